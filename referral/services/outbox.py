"""The notification outbox: domains queue messages inside the transaction of the change they report;
a worker (server/notifications.py) leases due messages, sends them, and records the outcome.

Delivery guarantees, by channel:
- LINE: at least once on our side, exactly once as the member sees it. Every message carries a
  retry key that LINE honours (a retried push with the same X-Line-Retry-Key is accepted once),
  so a message whose worker died mid-send is simply sent again.
- WeChat: at most once. WeChat's subscribe-message API has no such key. The worker records the
  hand-over just before the request; a message whose worker died after that, or whose request
  timed out, is marked UNKNOWN and never sent again. One whose worker died before handing it
  over, or refused before it reached WeChat (connection refused, WeChat's "busy"), is sent again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from referral.models import IdentityProvider, MemberIdentity, Message, MessageChannel, MessageKind, MessageStatus
from referral.sql import Statement

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)


async def enqueue(
    *,
    brand_id: int,
    member_id: int,
    kind: MessageKind,
    params: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Queue a notice in the caller's transaction: into the member's in-app inbox always (it needs no
    consent), and to push when the member has a channel. `params` are the facts the texts are
    rendered from (referral/notices), in the member's locale and the brand's time zone, when read or
    sent. The same (brand, dedupe_key) is queued once. LINE is preferred when the member has both
    (its retry key makes delivery exactly once). A notice nobody can push is recorded FAILED."""
    await enqueue_many(
        conn or connections.get("default"),
        brand_id=brand_id,
        kind=kind,
        notices=[Notice(member_id, params, dedupe_key)],
        now=now,
        send_at=now,
        unreachable=(MessageStatus.FAILED, "no channel"),
    )


@dataclass(frozen=True)
class Notice:
    member_id: int
    params: dict[str, Any]
    dedupe_key: str


INBOX_ONLY = "no channel; in the inbox only"


async def enqueue_many(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    kind: MessageKind,
    notices: list[Notice],
    now: datetime,
    send_at: datetime,
    line_budget: int | None = None,
    unreachable: tuple[MessageStatus, str] = (MessageStatus.SKIPPED, INBOX_ONLY),
) -> Counter[MessageChannel | None]:
    """enqueue_from for notices made in Python (a few at a time: their rows travel as VALUES)."""
    if not notices:
        return Counter()

    def source(q: Statement) -> str:
        rows = ", ".join(
            f"({q.typed(n.member_id, 'BIGINT')}, {q.typed(n.dedupe_key[:100], 'TEXT')}, "
            f"{q.typed(json.dumps(n.params, ensure_ascii=False), 'jsonb')})"
            for n in notices
        )
        return f"SELECT v.column1 AS member_id, v.column2 AS dedupe_key, v.column3 AS params FROM (VALUES {rows}) AS v"

    return await enqueue_from(
        conn,
        brand_id=brand_id,
        kind=kind,
        source=source,
        now=now,
        send_at=send_at,
        line_budget=line_budget,
        unreachable=unreachable,
    )


async def enqueue_from(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    kind: MessageKind,
    source: Callable[[Statement], str],
    now: datetime,
    send_at: datetime,
    line_budget: int | None = None,
    unreachable: tuple[MessageStatus, str] = (MessageStatus.SKIPPED, INBOX_ONLY),
) -> Counter[MessageChannel | None]:
    """Queue notices in the caller's transaction, two statements whatever their number: `source`
    writes a SELECT of (member_id, dedupe_key, params) with its parameters. Into the inbox always (it
    needs no consent), and to push when the member has a channel, LINE first (its retry key makes
    delivery exactly once), then WeChat; at most `line_budget` over LINE (the month's quota left),
    in member order. A notice nobody can push gets the `unreachable` status and reason. A dedupe key
    already queued changes nothing. Returns how many went to each channel (None: inbox only)."""
    q = Statement(conn)
    await q.execute(
        "INSERT INTO inbox_item (brand_id, member_id, kind, params, dedupe_key, created_at) "
        f"SELECT {q.typed(brand_id, 'INT')}, s.member_id, {q.typed(kind.value, 'TEXT')}, s.params, s.dedupe_key, "
        f"{q.typed(now, 'TIMESTAMPTZ')} FROM ({source(q)}) AS s "
        # WHERE TRUE: SQLite's parser needs it before ON CONFLICT after a SELECT.
        "WHERE TRUE ON CONFLICT (brand_id, dedupe_key) DO NOTHING"
    )
    q = Statement(conn)
    way = "(w.line_rank IS NOT NULL OR w.wechat IS NOT NULL)"
    status, reason = unreachable
    rows = await q.rows(
        "INSERT INTO message (brand_id, member_id, kind, payload, dedupe_key, channel, recipient, retry_key, "
        "status, attempts, next_attempt_at, last_error, created_at) "
        f"SELECT {q.typed(brand_id, 'INT')}, w.member_id, {q.typed(kind.value, 'TEXT')}, w.params, w.dedupe_key, "
        "CASE WHEN w.line_rank IS NOT NULL THEN 'line' WHEN w.wechat IS NOT NULL THEN 'wechat' END, "
        "CASE WHEN w.line_rank IS NOT NULL THEN w.line ELSE w.wechat END, "
        f"{q.new_uuid()}, CASE WHEN {way} THEN 'pending' ELSE {q.typed(status.value, 'TEXT')} END, 0, "
        f"{q.typed(send_at, 'TIMESTAMPTZ')}, CASE WHEN {way} THEN NULL ELSE {q.typed(reason, 'TEXT')} END, "
        f"{q.typed(now, 'TIMESTAMPTZ')} "
        # LINE for the first `line_budget` members who have it; the rank is null for the rest.
        "FROM (SELECT r.member_id, r.params, r.dedupe_key, r.line, r.wechat, CASE WHEN r.line IS NOT NULL AND "
        "ROW_NUMBER() OVER (PARTITION BY r.line IS NULL ORDER BY r.member_id) <= "
        f"{q.typed(_budget(line_budget), 'BIGINT')} "
        f"THEN 1 END AS line_rank FROM (SELECT s.member_id, s.params, s.dedupe_key, {_way('line', 's')} AS line, "
        f"{_way('wechat', 's')} AS wechat FROM ({source(q)}) AS s) AS r) AS w "
        "WHERE TRUE ON CONFLICT (brand_id, dedupe_key) DO NOTHING RETURNING channel"
    )
    return Counter(MessageChannel(row["channel"]) if row["channel"] else None for row in rows)


def _budget(line_budget: int | None) -> int:
    return 2**62 if line_budget is None else line_budget


def _way(provider: str, alias: str) -> str:
    """The member's subject on a provider that may be pushed (null: none)."""
    return (
        f"(SELECT MIN(i.subject) FROM member_identity i WHERE i.member_id = {alias}.member_id "
        f"AND i.provider = '{provider}' AND (i.pushable IS NULL OR i.pushable))"
    )


async def lease_due(*, now: datetime, limit: int = 50) -> list[Message]:
    """Take up to `limit` messages to send, for LEASE. Expired leases (a worker died mid-send) are
    taken again for LINE and given up as UNKNOWN for WeChat. Two workers never lease the same row:
    the UPDATE is conditional on what each read (and uses SKIP LOCKED on PostgreSQL)."""
    await Message.filter(
        status=MessageStatus.SENDING, leased_until__lt=now, channel=MessageChannel.WECHAT, handed_at__isnull=False
    ).update(status=MessageStatus.UNKNOWN, last_error="worker stopped during the send")
    q = Statement()
    skip = " FOR UPDATE SKIP LOCKED" if q.postgres else ""
    rows = await q.rows(
        f"UPDATE message SET status = {q.p(MessageStatus.SENDING.value)}, attempts = attempts + 1, "
        f"leased_until = {q.p(now + LEASE)}, handed_at = NULL WHERE id IN (SELECT id FROM message WHERE "
        f"(status = {q.p(MessageStatus.PENDING.value)} AND next_attempt_at <= {q.p(now)}) OR "
        f"(status = {q.p(MessageStatus.SENDING.value)} AND leased_until < {q.p(now)}) "
        f"ORDER BY id LIMIT {q.p(limit)}{skip}) RETURNING id"
    )
    return await Message.filter(id__in=[row["id"] for row in rows]).order_by("id")


async def handing_over(message: Message, *, now: datetime) -> bool:
    """Record that the request is about to leave; False if the lease was lost (do not send)."""
    return bool(
        await Message.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts).update(
            handed_at=now
        )
    )


async def sent(message: Message, *, now: datetime, platform_id: str | None = None) -> None:
    await _finish(message, status=MessageStatus.SENT, sent_at=now, last_error=None, platform_id=platform_id)


async def receipt(*, brand_id: int, platform_id: str, delivered: bool, reason: str) -> bool:
    """WeChat's delivery receipt for a sent message: DELIVERED, or FAILED with its reason. Only a
    SENT message changes (a receipt repeated or about another brand's message changes nothing)."""
    changes: dict[str, Any] = (
        {"status": MessageStatus.DELIVERED}
        if delivered
        else {"status": MessageStatus.FAILED, "last_error": f"wechat receipt: {reason}"[:200]}
    )
    return bool(
        await Message.filter(
            brand_id=brand_id, platform_id=platform_id, channel=MessageChannel.WECHAT, status=MessageStatus.SENT
        ).update(**changes)
    )


async def failed(message: Message, *, error: str) -> None:
    await _finish(message, status=MessageStatus.FAILED, last_error=error[:200])


async def skipped(message: Message, *, reason: str) -> None:
    """No channel may carry it now (no subscribe credit and no LINE friendship): it stays in the inbox."""
    await _finish(message, status=MessageStatus.SKIPPED, last_error=reason[:200])


async def line_instead(message: Message) -> bool:
    """Carry the message over LINE when the member has it (WeChat may not); False when they do not."""
    line = await MemberIdentity.get_or_none(member_id=message.member_id, provider=IdentityProvider.LINE)
    if line is None or line.pushable is False:
        return False
    changed = await Message.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts).update(
        channel=MessageChannel.LINE, recipient=line.subject
    )
    message.channel, message.recipient = MessageChannel.LINE, line.subject
    return bool(changed)


async def defer(message: Message, *, until: datetime, reason: str) -> None:
    """Not now (quiet hours): back to the queue until then, without counting it as an attempt."""
    await Message.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts).update(
        status=MessageStatus.PENDING,
        attempts=message.attempts - 1,
        next_attempt_at=until,
        leased_until=None,
        last_error=reason[:200],
    )


async def unknown(message: Message, *, error: str) -> None:
    await _finish(message, status=MessageStatus.UNKNOWN, last_error=error[:200])


async def retry(message: Message, *, now: datetime, error: str) -> None:
    """Try again later, backing off exponentially; after MAX_ATTEMPTS, give up (FAILED)."""
    if message.attempts >= MAX_ATTEMPTS:
        await failed(message, error=f"gave up after {message.attempts} attempts: {error}")
        return
    delay = FIRST_RETRY * 2 ** (message.attempts - 1)
    await _finish(
        message, status=MessageStatus.PENDING, next_attempt_at=now + delay, last_error=error[:200], handed_at=None
    )


async def _finish(message: Message, **fields: Any) -> None:
    # Only while we hold the lease: a message re-leased by another worker is theirs now.
    await Message.filter(id=message.id, status=MessageStatus.SENDING, attempts=message.attempts).update(
        leased_until=None, **fields
    )
