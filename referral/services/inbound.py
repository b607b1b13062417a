"""What the platforms push to us about members: WeChat's subscribe-popup answers and subscription
changes (the consent ledger), and messages members write (kept for two-way messaging)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from foundation.integrations.line_webhook import Followed, LineEvent
from foundation.integrations.wechat_push import PopupAnswer, Push, SentReceipt, SubscriptionChange, UserText
from foundation.tenancy import nonces
from foundation.tenancy.models import Brand
from referral.models import (
    ConsentSource,
    IdentityProvider,
    InboundMessage,
    MemberIdentity,
    MessageChannel,
    SubscribeResult,
)
from referral.services import consent, outbox

_RESULTS = {r.value: r for r in SubscribeResult}


@dataclass
class Applied:
    """What a push did, by kind, and the member messages it stored (for conversations)."""

    done: Counter[str] = field(default_factory=Counter)
    stored: list[int] = field(default_factory=list)

    def __getitem__(self, kind: str) -> int:
        return self.done[kind]


async def from_wechat(*, brand: Brand, pushes: list[Push], now: datetime) -> Applied:
    """Apply a WeChat push; returns what was done, by kind. Pushes about an openid that is not one of
    the brand's members, or a template that is not one of its own, are ignored."""
    applied = Applied()
    done = applied.done
    templates = set((brand.wechat_templates or {}).values())
    for push in pushes:
        member_id = await consent.member_of_openid(brand_id=brand.id, openid=push.openid)
        if member_id is None:
            done["unknown member"] += 1
            continue
        if isinstance(push, PopupAnswer):
            result = _RESULTS.get(push.result)
            if result is None or push.template_id not in templates:
                done["ignored"] += 1
                continue
            await consent.record(
                brand_id=brand.id,
                member_id=member_id,
                answers=[consent.Answer(push.template_id, result)],
                source=ConsentSource.PUSH,
                now=now,
            )
            done["consent"] += 1
        elif isinstance(push, SubscriptionChange):
            if push.status == SubscribeResult.REJECT.value:
                await consent.turned_off(brand_id=brand.id, member_id=member_id, template_id=push.template_id, now=now)
            done["change"] += 1
        elif isinstance(push, SentReceipt):
            known = await outbox.receipt(
                brand_id=brand.id, platform_id=push.msg_id, delivered=push.error_code == 0, reason=push.status
            )
            done["receipt" if known else "ignored"] += 1
        elif isinstance(push, UserText):
            sent = datetime.fromtimestamp(push.sent_at, UTC) if push.sent_at else now
            stored = await _store(brand.id, member_id, MessageChannel.WECHAT, push.message_id, push.text, sent)
            done["message" if stored else "duplicate"] += 1
            applied.stored += [stored] if stored else []
    return applied


async def from_line(*, brand: Brand, events: list[LineEvent], now: datetime) -> Applied:
    """Apply a LINE delivery: each event once (by its webhookEventId: a redelivery or a replayed body
    changes nothing); events about users who are not the brand's members are ignored."""
    applied = Applied()
    done = applied.done
    for event in events:
        if not await nonces.first_time(brand_id=brand.id, channel="line", nonce=event.event_id, now=now):
            done["repeated"] += 1
            continue
        identity = await MemberIdentity.get_or_none(
            brand_id=brand.id, provider=IdentityProvider.LINE, subject=event.user_id
        )
        if identity is None:
            done["unknown member"] += 1
            continue
        if isinstance(event, Followed):
            await MemberIdentity.filter(id=identity.id).update(pushable=event.following)
            done["follow" if event.following else "unfollow"] += 1
        else:
            sent = datetime.fromtimestamp(event.sent_at_ms / 1000, UTC) if event.sent_at_ms else now
            stored = await _store(
                brand.id, identity.member_id, MessageChannel.LINE, event.message_id, event.text, sent, event.reply_token
            )
            done["message" if stored else "duplicate"] += 1
            applied.stored += [stored] if stored else []
    return applied


async def _store(
    brand_id: int,
    member_id: int,
    channel: MessageChannel,
    platform_id: str,
    text: str,
    at: datetime,
    reply_token: str | None = None,
) -> int | None:
    """The stored message's id; None for one stored before (a redelivery)."""
    try:
        row = await InboundMessage.create(
            brand_id=brand_id,
            member_id=member_id,
            channel=channel,
            platform_id=platform_id[:64],
            text=text,
            reply_token=reply_token,
            received_at=at,
        )
    except IntegrityError:
        return None
    return int(row.id)
