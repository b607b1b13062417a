"""A guide's one-to-one message to one of their own members: the same consent and reachability rules
as a broadcast (marketing consent; LINE, a WeChat acceptance, else the inbox), and a daily limit per
member so a guide cannot flood anyone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from loyalty import idempotency
from reach.errors import ReachError, ReachErrorCode as Code
from referral.models import Guide, Member, Message, MessageChannel, MessageKind
from referral.services import outbox

PER_DAY = 3
DAY = timedelta(hours=24)


def _key(guide_id: int, member_id: int, request: str) -> str:
    return f"guide:{guide_id}:{member_id}:{request}"


async def send(
    *, brand_id: int, guide_id: int, member_id: int, text: str, now: datetime, idempotency_key: str | None = None
) -> MessageChannel | None:
    """Queue the message; returns the channel it goes by (None: the inbox only). Raises
    MEMBER_NOT_YOURS, NO_MARKETING_CONSENT, MESSAGE_INVALID or MESSAGE_LIMIT_REACHED, sending nothing.
    A retry with the same key sends nothing more and answers the same channel."""
    idempotency.check(idempotency_key)
    text = text.strip()
    if not 1 <= len(text) <= 500 or not text.replace("\n", " ").isprintable():
        raise ReachError(Code.MESSAGE_INVALID, "A message of 1-500 characters.", "text")
    member = await Member.get_or_none(id=member_id, brand_id=brand_id, deleted_at=None)
    if member is None or member.guide_id != guide_id:
        raise ReachError(Code.MEMBER_NOT_YOURS, "This member is not one of yours.", "member_id")
    key = _key(guide_id, member_id, idempotency_key or uuid.uuid4().hex)
    guide = await Guide.get(id=guide_id)
    sender = await Member.get(id=guide.member_id)
    params = {
        "title": (sender.display_name or sender.name or "")[:40],
        "body": text,
        "sent_at": now.isoformat(),
        "marketing": True,
    }
    async with in_transaction() as conn:
        # The member's row locked: two sends racing count one after the other, so the cap holds.
        locked = await Member.filter(id=member_id).select_for_update().using_db(conn).get()
        earlier = await Message.get_or_none(brand_id=brand_id, dedupe_key=key, using_db=conn)
        if earlier is not None:  # a retry (after the first, or racing it: the lock ordered them)
            return earlier.channel if earlier.last_error != outbox.INBOX_ONLY else None
        if locked.marketing_consent_at is None:
            raise ReachError(Code.NO_MARKETING_CONSENT, "This member has not agreed to messages.", "member_id")
        sent_today = (
            await Message.filter(
                brand_id=brand_id,
                member_id=member_id,
                kind=MessageKind.GUIDE_MESSAGE,
                dedupe_key__startswith=_key(guide_id, member_id, ""),
                created_at__gte=now - DAY,
            )
            .using_db(conn)
            .count()
        )
        if sent_today >= PER_DAY:
            raise ReachError(
                Code.MESSAGE_LIMIT_REACHED, f"At most {PER_DAY} messages a day to one member.", "member_id"
            )
        chosen = await outbox.enqueue_many(
            conn,
            brand_id=brand_id,
            kind=MessageKind.GUIDE_MESSAGE,
            notices=[outbox.Notice(member_id, params, key)],
            now=now,
            send_at=now,
        )
    return next(iter(chosen))
