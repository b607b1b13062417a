"""LINE as it really works, against deliveries signed as LINE signs them and the fake of its HTTP API:
follow, unfollow and block decide who can be pushed; texts are kept; the month's quota is read
before a large send; unsigned or replayed deliveries are refused and logged without content."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from datetime import UTC, datetime

import pytest

from foundation.integrations.clients import open_integrations
from referral.errors import ReferralError
from referral.models import IdentityProvider, InboundMessage, MemberIdentity, Message, MessageChannel, MessageKind
from referral.services import line_quota, outbox
from tests import factories

SECRET = "0123456789abcdef0123456789abcdef"
USER = "U4af4980629f3b5b1d1e1f2a3b4c5d6e7"


@pytest.fixture
async def line_brand(db):
    b = await factories.brand()
    b.line_channel_secret, b.line_channel_access_token = SECRET, "line-channel-token"
    await b.save()
    member = await factories.member(b, "mum")
    await MemberIdentity.filter(member_id=member.id).update(provider=IdentityProvider.LINE, subject=USER)
    b.member_id = member.id  # type: ignore[attr-defined]  # carried for the tests
    return b


def event(kind: str, **extra: object) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1780304400000,
        "source": {"type": "user", "userId": USER},
        "webhookEventId": "01H" + secrets.token_hex(12).upper(),
        "deliveryContext": {"isRedelivery": False},
        **extra,
    }


def delivery(*events: dict) -> bytes:
    return json.dumps({"destination": "Uxxxxxxxx", "events": list(events)}, ensure_ascii=False).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


async def deliver(client, body: bytes, signature: str | None = None):
    headers = {"content-type": "application/json", "x-line-signature": sign(body) if signature is None else signature}
    return await client.http.post("/line/acme/webhook", content=body, headers=headers)


async def _coupon_notice(brand, key: str) -> None:
    await outbox.enqueue(
        brand_id=brand.id,
        member_id=brand.member_id,
        kind=MessageKind.COUPON_ISSUED,
        params={"coupon": "Gift can", "expires_at": "2027-01-01T00:00:00+00:00"},
        dedupe_key=key,
        now=datetime.now(UTC),
    )


async def _pushable() -> bool | None:
    return (await MemberIdentity.get(subject=USER)).pushable


async def test_follow_unfollow_and_block_decide_who_can_be_pushed(client, line_brand) -> None:
    assert (await deliver(client, delivery(event("unfollow")))).status_code == 200  # blocked the account
    assert await _pushable() is False
    await _coupon_notice(line_brand, "coupon:1")
    assert (await Message.get()).channel is None  # not pushed: inbox only

    assert (
        await deliver(client, delivery(event("follow", replyToken="r" * 32, follow={"isUnblocked": True})))
    ).status_code == 200
    assert await _pushable() is True
    await _coupon_notice(line_brand, "coupon:2")
    assert (await Message.get(dedupe_key="coupon:2")).channel is MessageChannel.LINE


async def test_texts_are_kept_once_with_their_reply_token(client, line_brand) -> None:
    text = event(
        "message",
        replyToken="a" * 32,
        message={"type": "text", "id": "468789577898262530", "text": "店里有货吗？", "quoteToken": "q-" + "b" * 20},
    )
    body = delivery(text)
    assert (await deliver(client, body)).status_code == 200
    [message] = await InboundMessage.all()
    assert (message.member_id, message.text, message.reply_token, message.channel) == (
        line_brand.member_id,
        "店里有货吗？",
        "a" * 32,
        MessageChannel.LINE,
    )
    # The same delivery again (a replay, or LINE's redelivery): refused, nothing changes.
    assert (await deliver(client, body)).status_code == 409
    assert await InboundMessage.all().count() == 1


@pytest.mark.parametrize("case", ["unsigned", "wrong secret", "tampered", "not json"])
async def test_bad_deliveries_are_refused_and_logged_without_content(client, line_brand, caplog, case) -> None:
    body = delivery(event("unfollow"))
    signature = sign(body)
    if case == "unsigned":
        signature = ""
    elif case == "wrong secret":
        signature = sign(body, "f" * 32)
    elif case == "tampered":
        body = body.replace(b"unfollow", b"follow")
    elif case == "not json":
        body = "\x00不是JSON".encode()
        signature = sign(body)
    with caplog.at_level(logging.INFO):
        response = await deliver(client, body, signature)
    assert 400 <= response.status_code < 500
    assert await _pushable() is None
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("scrm"))
    assert "refused" in logged and USER not in logged


async def test_the_months_quota_is_read_before_a_large_send(settings, upstream, line_brand) -> None:
    upstream.line_channel_tokens.add("line-channel-token")
    upstream.line_quota = 1_000
    async with open_integrations(settings) as integrations:
        quota = await line_quota.ensure(line=integrations.line_push, brand=line_brand, planned=1_000)
        assert (quota.limit, quota.left) == (1_000, 1_000)
        with pytest.raises(ReferralError) as refused:
            await line_quota.ensure(line=integrations.line_push, brand=line_brand, planned=1_001)
        assert refused.value.code.value == "LINE_QUOTA_EXCEEDED"
        upstream.line_quota = None  # an unlimited plan
        assert (await line_quota.ensure(line=integrations.line_push, brand=line_brand, planned=10**6)).left is None
