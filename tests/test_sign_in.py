"""Sign-in through the real wechatpy / LINE client code, against a fake of their HTTP APIs on 127.0.0.1."""

import asyncio
import time

import pytest

from access.models import StaffAccount
from foundation.settings import Mode
from referral.models import Member, MemberIdentity
from server.app import create_app
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import make_settings

WECHAT = """mutation($brand: String!, $code: String!) {
  signInWithWechat(brand: $brand, code: $code) {
    token expiresAt newMember viewer { roles memberId brand { slug } } errors { code message field }
  }
}"""
LINE = """mutation($brand: String!, $idToken: String!, $nonce: String) {
  signInWithLine(brand: $brand, idToken: $idToken, nonce: $nonce) {
    token newMember viewer { roles memberId } errors { code message field }
  }
}"""
STAFF = """mutation($brand: String!, $username: String!, $password: String!) {
  signInStaff(brand: $brand, username: $username, password: $password) {
    token viewer { roles } errors { code message }
  }
}"""
DEV = """mutation($brand: String!, $subject: String!) {
  devSignIn(brand: $brand, subject: $subject) { token viewer { roles } errors { code } }
}"""
ME = "{ me { roles memberId brand { slug } } }"


async def test_wechat_sign_in_registers_once_and_returns_a_working_token(client, upstream) -> None:
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret

    first = await client.mutate(
        "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o-123", "u-9")}
    )
    again = await client.mutate(
        "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o-123")}
    )

    assert first["errors"] == [] and first["newMember"] is True
    assert again["newMember"] is False and again["viewer"]["memberId"] == first["viewer"]["memberId"]
    assert first["viewer"]["roles"] == ["CONSUMER"] and first["viewer"]["brand"]["slug"] == "acme"
    identity = await MemberIdentity.get(subject="o-123")
    assert identity.unionid == "u-9" and await Member.filter(brand_id=brand.id).count() == 1
    me = await client.ok(ME, token=first["token"])
    assert me["me"]["memberId"] == first["viewer"]["memberId"]
    # wechatpy fetched its access token from the configured host, not from WeChat's.
    assert upstream.paths()[0] == "/cgi-bin/token" and upstream.paths().count("/sns/jscode2session") == 2


async def test_wechat_code_works_once(client, upstream) -> None:
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    code = upstream.wechat_code("wxacme", "o-1")
    await client.mutate("signInWithWechat", WECHAT, {"brand": "acme", "code": code})
    reused = await client.mutate("signInWithWechat", WECHAT, {"brand": "acme", "code": code})
    assert reused["token"] is None
    assert reused["errors"] == [
        {"code": "WECHAT_CODE_INVALID", "message": "The WeChat login code is invalid or used.", "field": "code"}
    ]


@pytest.mark.parametrize(
    ("brand_slug", "code", "expected"),
    [
        ("nobody", "abc", "UNKNOWN_BRAND"),
        ("acme", "", "WECHAT_CODE_INVALID"),
        ("acme", "x" * 200, "WECHAT_CODE_INVALID"),
        ("acme", "never-issued", "WECHAT_CODE_INVALID"),
        ("plain", "abc", "CHANNEL_NOT_CONFIGURED"),
        ("BAD SLUG!", "abc", "UNKNOWN_BRAND"),
    ],
)
async def test_wechat_bad_input_is_a_typed_error_and_creates_nothing(
    client, upstream, brand_slug, code, expected
) -> None:
    brand = await factories.brand("acme")
    await factories.brand("plain", wechat=False)
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    payload = await client.mutate("signInWithWechat", WECHAT, {"brand": brand_slug, "code": code})
    assert payload["token"] is None and [e["code"] for e in payload["errors"]] == [expected]
    assert await Member.all().count() == 0


async def test_wechat_down_or_slow_is_upstream_unavailable_and_does_not_stall_others(db, upstream) -> None:
    settings = make_settings(upstream, upstream_timeout_s=0.3)
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as client:
        upstream.failing = True
        down = await client.mutate(
            "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o")}
        )
        upstream.failing, upstream.delay_s = False, 2.0
        started = time.monotonic()
        slow = asyncio.create_task(
            client.mutate("signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o")})
        )
        await asyncio.sleep(0.05)
        other = await client.post("{ __typename }")
        other_done = time.monotonic() - started
        slow_payload = await slow
    assert [e["code"] for e in down["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert [e["code"] for e in slow_payload["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    # The event loop kept serving while the WeChat call waited in its worker thread.
    assert other.status == 200 and other_done < 1.0


async def test_line_sign_in_checks_channel_expiry_and_nonce(client, upstream) -> None:
    brand = await factories.brand("acme")
    channel = brand.line_channel_id
    good = upstream.line_token(channel_id=channel, sub="U1", nonce="n-1")
    ok = await client.mutate("signInWithLine", LINE, {"brand": "acme", "idToken": good, "nonce": "n-1"})
    assert ok["errors"] == [] and ok["newMember"] is True and ok["viewer"]["roles"] == ["CONSUMER"]
    assert upstream.requests[-1].form["client_id"] == channel

    refused = {
        "other channel": (upstream.line_token(channel_id="999", sub="U2"), None),
        "expired": (upstream.line_token(channel_id=channel, sub="U3", ttl_s=-5), None),
        "nonce mismatch": (upstream.line_token(channel_id=channel, sub="U4", nonce="a"), "b"),
        "unknown": ("forged.token", None),
    }
    for token, nonce in refused.values():
        payload = await client.mutate("signInWithLine", LINE, {"brand": "acme", "idToken": token, "nonce": nonce})
        assert payload["token"] is None and [e["code"] for e in payload["errors"]] == ["LINE_TOKEN_INVALID"]
    assert await Member.all().count() == 1

    upstream.failing = True
    down = await client.mutate("signInWithLine", LINE, {"brand": "acme", "idToken": good})
    assert [e["code"] for e in down["errors"]] == ["UPSTREAM_UNAVAILABLE"]


async def test_staff_sign_in_and_revocation(client, settings) -> None:
    brand = await factories.brand("acme")
    hq = await factories.staff(brand, "alice")
    ok = await client.mutate(
        "signInStaff", STAFF, {"brand": "acme", "username": "Alice ", "password": factories.STAFF_PASSWORD}
    )
    assert ok["errors"] == [] and ok["viewer"]["roles"] == ["HQ"]
    assert (await client.ok(ME, token=ok["token"]))["me"]["roles"] == ["HQ"]

    for username, password in (("alice", "wrong password"), ("bob", factories.STAFF_PASSWORD)):
        bad = await client.mutate("signInStaff", STAFF, {"brand": "acme", "username": username, "password": password})
        assert bad["token"] is None and bad["errors"] == [
            {"code": "INVALID_CREDENTIALS", "message": "Wrong username or password."}
        ]

    await StaffAccount.filter(id=hq.id).update(token_version=hq.token_version + 1)
    revoked = await client.post(ME, token=ok["token"])
    assert revoked.data == {"me": None} and revoked.error_codes == ["TOKEN_INVALID"]


async def test_expired_session_says_so(client, settings) -> None:
    brand = await factories.brand("acme")
    member = await factories.member(brand)
    expired = factories.member_token(settings, member, ttl_s=-10)
    response = await client.post(ME, token=expired)
    assert response.status == 200 and response.data == {"me": None} and response.error_codes == ["TOKEN_EXPIRED"]


async def test_deleted_member_token_stops_working(client, settings) -> None:
    brand = await factories.brand("acme")
    member = await factories.member(brand)
    token = factories.member_token(settings, member)
    await Member.filter(id=member.id).update(deleted_at=brand.created_at)
    assert (await client.post(ME, token=token)).error_codes == ["TOKEN_INVALID"]


async def test_dev_sign_in_only_in_development(db, upstream) -> None:
    await factories.brand("acme")
    for mode, expected in (
        (Mode.DEVELOPMENT, []),
        (Mode.PRODUCTION, ["DEV_SIGN_IN_DISABLED"]),
        (Mode.TEST, ["DEV_SIGN_IN_DISABLED"]),
    ):
        async with GraphQLClient.running(create_app(make_settings(upstream, mode=mode), manage_db=False)) as client:
            payload = await client.mutate("devSignIn", DEV, {"brand": "acme", "subject": "tester"})
        assert [e["code"] for e in payload["errors"]] == expected
        assert (payload["token"] is not None) == (expected == [])


async def test_concurrent_first_sign_ins_of_one_person_make_one_member(client, upstream) -> None:
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    codes = [upstream.wechat_code("wxacme", "o-race") for _ in range(20)]
    payloads = await asyncio.gather(
        *(client.mutate("signInWithWechat", WECHAT, {"brand": "acme", "code": c}) for c in codes)
    )
    assert all(p["errors"] == [] for p in payloads)
    assert len({p["viewer"]["memberId"] for p in payloads}) == 1
    assert sum(p["newMember"] for p in payloads) == 1
    assert await Member.all().count() == 1 and await MemberIdentity.all().count() == 1
