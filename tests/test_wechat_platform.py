"""WeChat as it really works, against the fake of its HTTP API: the phone number from getPhoneNumber,
and one access token per app shared by every worker, fetched once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from foundation.integrations.wechat import WeChat
from foundation.integrations.wechat_tokens import DatabaseTokens, RedisTokens, SharedTokens
from foundation.tenancy.models import PlatformToken
from referral.models import Member
from tests import factories
from tests.referral.helpers import consumer

VERIFY = """mutation($c: String!) { verifyPhoneWithWechat(code: $c) {
  member { phone phoneVerified } errors { code field } } }"""
PROFILE = """mutation($p: String) { updateProfile(input: {phone: $p, phoneConsent: true}) {
  member { phone phoneVerified } errors { code } } }"""
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def app_and_member(client, settings, upstream):
    brand = await factories.brand()
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    member, token = await consumer(settings, brand, "mum")
    return brand, member, token


async def test_the_phone_wechat_verified_is_stored_with_consent(client, upstream, app_and_member) -> None:
    brand, member, token = app_and_member
    code = upstream.wechat_phone_code(brand.wechat_appid, "13812345678")

    done = await client.mutate("verifyPhoneWithWechat", VERIFY, {"c": code}, token=token)

    assert done == {"member": {"phone": "+8613812345678", "phoneVerified": True}, "errors": []}
    row = await Member.get(id=member.id)
    assert row.phone_consent_at is not None and row.phone_verified_at is not None
    # A getPhoneNumber code works once.
    again = await client.mutate("verifyPhoneWithWechat", VERIFY, {"c": code}, token=token)
    assert again == {"member": None, "errors": [{"code": "PHONE_CODE_INVALID", "field": "code"}]}


@pytest.mark.parametrize("code", ["not-a-code", "x" * 500, "código", ""])
async def test_a_bad_code_is_refused_and_changes_nothing(client, upstream, app_and_member, code) -> None:
    _, member, token = app_and_member
    done = await client.mutate("verifyPhoneWithWechat", VERIFY, {"c": code}, token=token)
    assert done["errors"][0]["code"] == "PHONE_CODE_INVALID"
    assert (await Member.get(id=member.id)).phone is None


async def test_a_typed_phone_is_kept_but_unverified(client, upstream, app_and_member) -> None:
    brand, _, token = app_and_member
    code = upstream.wechat_phone_code(brand.wechat_appid, "13812345678")
    await client.mutate("verifyPhoneWithWechat", VERIFY, {"c": code}, token=token)
    typed = await client.mutate("updateProfile", PROFILE, {"p": "13900001111"}, token=token)
    assert typed["member"] == {"phone": "+8613900001111", "phoneVerified": False}


def _worker(settings, store) -> WeChat:
    """What one worker process holds: its own client cache, the shared token store."""
    return WeChat(base_url=settings.wechat_api_base_url, timeout_s=5, max_threads=8, tokens=SharedTokens(store))


async def _phones(workers: list[WeChat], brand, upstream, n: int) -> None:
    codes = [upstream.wechat_phone_code(brand.wechat_appid, f"1381234{i:04d}") for i in range(n)]
    got = await asyncio.gather(
        *(
            workers[i % len(workers)].phone_number(appid=brand.wechat_appid, secret=brand.wechat_secret, code=c)
            for i, c in enumerate(codes)
        )
    )
    assert sorted(p.number for p in got) == sorted(f"1381234{i:04d}" for i in range(n))


@pytest.mark.parametrize("where", ["database", "redis"])
async def test_two_workers_share_one_access_token_fetched_once(db, settings, upstream, where) -> None:
    brand = await factories.brand()
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    redis = aioredis.from_url(REDIS_URL)
    await redis.delete(f"scrm:token:wechat:{brand.wechat_appid}", f"scrm:token:wechat:{brand.wechat_appid}:refreshing")
    try:
        workers = [_worker(settings, DatabaseTokens() if where == "database" else RedisTokens(redis)) for _ in range(2)]

        await _phones(workers, brand, upstream, 20)
        assert upstream.wechat_token_fetches == 1

        # WeChat drops the token (another system fetched one with the same secret): the next call
        # finds it stale, one worker fetches the replacement, and both use it.
        upstream.wechat_access_tokens.clear()
        await _phones(workers, brand, upstream, 10)
        assert upstream.wechat_token_fetches == 2
    finally:
        await redis.aclose()


async def test_a_token_is_replaced_once_shortly_before_it_expires(db, settings, upstream) -> None:
    brand = await factories.brand()
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    workers = [_worker(settings, DatabaseTokens()) for _ in range(2)]
    await _phones(workers, brand, upstream, 4)
    row = await PlatformToken.get(key=f"wechat:{brand.wechat_appid}")
    # Kept 5 minutes less than WeChat's 7,200 s, so the old one still works while the new one arrives.
    left = (row.expires_at - datetime.now(UTC)).total_seconds()
    assert 6_800 < left <= 6_900 and row.refreshing_until is None
    await PlatformToken.filter(key=row.key).update(expires_at=row.expires_at.replace(year=2000))
    await _phones(workers, brand, upstream, 6)
    assert upstream.wechat_token_fetches == 2
