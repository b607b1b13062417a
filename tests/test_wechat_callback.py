"""WeChat's server push, built as WeChat builds it (wechatpy's crypto, real signatures and AES):
subscribe-popup answers and changes reach the consent ledger, user messages are kept; unsigned,
stale, replayed or tampered pushes are refused with a 4xx and logged without their content."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets

import pytest
from wechatpy.crypto import WeChatCrypto

from referral.models import ConsentSource, IdentityProvider, InboundMessage, MemberIdentity, SubscribeConsent
from tests import factories

TOKEN = "cb-token-1234"
AES_KEY = base64.b64encode(b"k" * 32).decode().rstrip("=")
OPENID = "o-mum-openid"


@pytest.fixture
async def brand(db):
    b = await factories.brand()
    b.wechat_callback_token, b.wechat_aes_key = TOKEN, AES_KEY
    b.wechat_templates = {"event_cancelled": "TPL-CANCEL"}
    await b.save()
    member = await factories.member(b, "mum")
    await MemberIdentity.filter(member_id=member.id).update(provider=IdentityProvider.WECHAT, subject=OPENID)
    b.member_id = member.id  # type: ignore[attr-defined]  # carried for the tests
    return b


def popup(openid: str = OPENID, status: str = "accept", template: str = "TPL-CANCEL") -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        "<CreateTime>1780304400</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List>"
        f"<TemplateId><![CDATA[{template}]]></TemplateId><SubscribeStatusString><![CDATA[{status}]]>"
        "</SubscribeStatusString><PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent></xml>"
    )


def text(msg_id: str, content: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>1780304400</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def signed(clock, *, nonce: str | None = None, token: str = TOKEN, skew_s: int = 0) -> dict[str, str]:
    timestamp, nonce = str(int(clock.now.timestamp()) + skew_s), nonce or secrets.token_hex(8)
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, "openid": OPENID}


def encrypted(brand, xml: str, params: dict[str, str]) -> tuple[dict[str, str], bytes]:
    sealed = WeChatCrypto(TOKEN, AES_KEY, brand.wechat_appid).encrypt_message(xml, params["nonce"], params["timestamp"])
    msg_signature = sealed.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    return {**params, "encrypt_type": "aes", "msg_signature": msg_signature}, sealed.encode()


def server_log(caplog) -> str:
    """What our own loggers wrote (the test's HTTP client logs the URLs it calls)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("scrm"))


async def push(client, params: dict[str, str], body: bytes):
    return await client.http.post("/wechat/acme/callback", params=params, content=body)


async def test_an_encrypted_popup_answer_is_one_credit_and_the_clients_report_pairs_with_it(
    client, clock, brand
) -> None:
    params, body = encrypted(brand, popup(), signed(clock))
    response = await push(client, params, body)
    assert (response.status_code, response.text) == (200, "success")
    [row] = await SubscribeConsent.all()
    assert (row.member_id, row.template_id, row.result.value, row.source) == (
        brand.member_id,
        "TPL-CANCEL",
        "accept",
        ConsentSource.PUSH,
    )
    # The mini-program reports the same tap: paired, not a second credit.
    from referral.models import SubscribeResult
    from referral.services import consent

    await consent.record(
        brand_id=brand.id,
        member_id=brand.member_id,
        answers=[consent.Answer("TPL-CANCEL", SubscribeResult.ACCEPT)],
        source=ConsentSource.CLIENT,
        now=clock.now,
    )
    assert await consent.available(member_id=brand.member_id) == {"TPL-CANCEL": 1}


async def test_a_replayed_push_is_refused_and_changes_nothing(client, clock, brand, caplog) -> None:
    params, body = encrypted(brand, popup(), signed(clock))
    assert (await push(client, params, body)).status_code == 200
    with caplog.at_level(logging.INFO):
        again = await push(client, params, body)
    assert again.status_code == 409
    assert await SubscribeConsent.all().count() == 1
    logged = server_log(caplog)
    assert "replayed" in logged and OPENID not in logged and "Encrypt" not in logged


@pytest.mark.parametrize("case", ["unsigned", "wrong token", "stale", "tampered", "dtd", "huge", "garbage"])
async def test_bad_pushes_get_a_4xx_and_are_logged_without_content(client, clock, brand, caplog, case) -> None:
    params, body = encrypted(brand, popup(), signed(clock))
    if case == "unsigned":
        params = {"openid": OPENID}
    elif case == "wrong token":
        params = {**params, **{k: v for k, v in signed(clock, token="not-the-token").items() if k != "openid"}}
    elif case == "stale":
        params, body = encrypted(brand, popup(), signed(clock, skew_s=-3600))
    elif case == "tampered":
        body = body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
    elif case == "dtd":
        params = signed(clock)
        body = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName></xml>'
    elif case == "huge":
        params = signed(clock)
        body = b"<xml>" + b"a" * 70_000 + b"</xml>"
    elif case == "garbage":
        params = signed(clock)
        body = "\x00不是XML".encode()
    with caplog.at_level(logging.INFO):
        response = await push(client, params, body)
    assert 400 <= response.status_code < 500, (case, response.status_code)
    assert await SubscribeConsent.all().count() == 0
    logged = server_log(caplog)
    assert "refused" in logged and OPENID not in logged and "TPL-CANCEL" not in logged and "aaaa" not in logged


async def test_the_echo_check_answers_only_when_signed(client, clock, brand) -> None:
    ok = await client.http.get("/wechat/acme/callback", params={**signed(clock), "echostr": "echo-123"})
    assert (ok.status_code, ok.text) == (200, "echo-123")
    bad = await client.http.get("/wechat/acme/callback", params={**signed(clock, token="nope"), "echostr": "echo-123"})
    assert bad.status_code == 403
    assert (await client.http.get("/wechat/nobody/callback", params=signed(clock))).status_code == 404


async def test_user_messages_are_kept_once_and_a_declined_template_voids_credits(client, clock, brand) -> None:
    for nonce in ("n-1", "n-2"):  # WeChat retries a message it thinks was not received
        params, body = encrypted(brand, text("7001", "请问奶粉什么时候到货？"), signed(clock, nonce=nonce))
        assert (await push(client, params, body)).status_code == 200
    [message] = await InboundMessage.all()
    assert (message.member_id, message.text, message.channel.value) == (
        brand.member_id,
        "请问奶粉什么时候到货？",
        "wechat",
    )

    params, body = encrypted(brand, popup(), signed(clock))
    await push(client, params, body)
    change = (
        popup()
        .replace("subscribe_msg_popup_event", "subscribe_msg_change_event")
        .replace("SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent")
        .replace("accept", "reject")
    )
    params, body = encrypted(brand, change, signed(clock))
    assert (await push(client, params, body)).status_code == 200
    assert await SubscribeConsent.filter(voided_at__isnull=True, result="accept").count() == 0


async def test_a_push_about_another_brands_member_records_nothing(client, clock, brand) -> None:
    other = await factories.brand("other")
    stranger = await factories.member(other, "stranger")
    await MemberIdentity.filter(member_id=stranger.id).update(provider=IdentityProvider.WECHAT, subject="o-stranger")
    params, body = encrypted(brand, popup(openid="o-stranger"), signed(clock))
    assert (await push(client, params, body)).status_code == 200
    assert await SubscribeConsent.all().count() == 0
