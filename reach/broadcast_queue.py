"""Sending a broadcast when its time comes, in two steps that each survive a worker's death:

1. Fix the audience: in one transaction, claim the broadcast (SCHEDULED -> QUEUED, a conditional
   update: HQ pressing twice or two workers racing, one wins), write one row per member the segment
   holds now, hold out the seeded share, and mark who is skipped (no marketing consent, frequency cap).
2. Write the messages, a chunk of recipients per transaction: issue each one's coupon (keyed by the
   message key, so never twice), then in a few set-based statements fill in their own words, queue
   the message (inbox, then LINE or WeChat), add the timeline touch and mark the chunk queued.
   A chunk a worker died in rolls back whole and is done again.
The outbox then delivers at its pace, holding messages in quiet hours and re-checking consent."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from foundation.integrations.line_push import LinePush, LineUnavailable
from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from loyalty.errors import LoyaltyError
from loyalty.models import CouponTemplate
from loyalty.services import coupons
from reach import holdout, personalise, quiet_hours, segments
from reach.broadcasts import CAP_WINDOW, PERSONAL_COLUMNS, PERSONAL_JOINS, message_key, message_key_sql, notice_facts
from reach.models import AudienceGroup, Broadcast, BroadcastRecipient, BroadcastStatus, Segment, SkipReason
from referral.models import MessageChannel, MessageKind, TouchKind
from referral.services import outbox, touches
from referral.sql import Statement, insert_many

log = logging.getLogger("scrm.broadcasts")
CHUNK = 2000
WRITERS = 2


async def run_due(*, now: datetime, line: LinePush | None = None) -> Counter[str]:
    """Send what is due: fix the audience of each broadcast whose time has come, then write the
    messages of every broadcast still being queued (one a dead worker left half done, too)."""
    done: Counter[str] = Counter()
    due = await Broadcast.filter(status=BroadcastStatus.SCHEDULED, send_at__lte=now).order_by("id")
    for row in due:
        done["audiences"] += await fix_audience(row.id, now=now)
    for row in await Broadcast.filter(status=BroadcastStatus.QUEUED).order_by("id"):
        done["messages"] += (await write_messages(row.id, now=now, line=line)).total()
    return done


async def fix_audience(broadcast_id: int, *, now: datetime) -> int:
    """Claim the broadcast and write its audience; 0 when another worker (or a cancel) got there first."""
    async with in_transaction() as conn:
        if (
            not await Broadcast.filter(id=broadcast_id, status=BroadcastStatus.SCHEDULED)
            .using_db(conn)
            .update(status=BroadcastStatus.QUEUED, queued_at=now)
        ):
            return 0
        row = await Broadcast.get(id=broadcast_id, using_db=conn)
        segment = await Segment.get(id=row.segment_id, using_db=conn)
        members = await segments.member_ids(
            scope=segments.Scope(brand_id=row.brand_id), condition=segments.conditions_of(segment), now=now, conn=conn
        )
        # Hashing a large audience is CPU work: off the event loop.
        groups = await asyncio.to_thread(_groups, row.holdout_seed, row.holdout_percent, members)
        await insert_many(
            conn,
            "broadcast_recipient",
            {"broadcast_id": "int", "member_id": "int", "audience_group": "text", "queued": "boolean"},
            [[row.id, m, g.value, False] for m, g in zip(members, groups, strict=True)],
        )
        await _skip_unconsented(conn, row)
        await _skip_capped(conn, row, now)
        await Broadcast.filter(id=row.id).using_db(conn).update(audience=len(members))
    log.info("broadcast audience fixed", extra={"broadcast": broadcast_id, "audience": len(members)})
    return len(members)


def _groups(seed: int, percent: int, members: list[int]) -> list[AudienceGroup]:
    return [AudienceGroup.HOLDOUT if holdout.held_out(seed, m, percent) else AudienceGroup.RECIPIENT for m in members]


async def _skip_unconsented(conn: BaseDBAsyncClient, row: Broadcast) -> None:
    q = Statement(conn)
    await q.execute(
        f"UPDATE broadcast_recipient SET skip_reason = {q.p(SkipReason.NO_MARKETING_CONSENT.value)} "
        f"WHERE broadcast_id = {q.p(row.id)} AND audience_group = {q.p(AudienceGroup.RECIPIENT.value)} "
        f"AND member_id IN (SELECT id FROM member WHERE brand_id = {q.p(row.brand_id)} "
        "AND marketing_consent_at IS NULL)"
    )


async def _skip_capped(conn: BaseDBAsyncClient, row: Broadcast, now: datetime) -> None:
    """Members who were sent `frequency_cap` broadcasts in the week before are skipped (all broadcasts count)."""
    q = Statement(conn)
    await q.execute(
        f"UPDATE broadcast_recipient SET skip_reason = {q.p(SkipReason.FREQUENCY_CAP.value)} "
        f"WHERE broadcast_id = {q.p(row.id)} AND audience_group = {q.p(AudienceGroup.RECIPIENT.value)} "
        "AND skip_reason IS NULL AND member_id IN (SELECT r.member_id FROM broadcast_recipient r "
        f"JOIN broadcast b ON b.id = r.broadcast_id WHERE b.brand_id = {q.p(row.brand_id)} AND b.id <> {q.p(row.id)} "
        f"AND b.queued_at >= {q.p(now - CAP_WINDOW)} AND r.queued AND r.skip_reason IS NULL "
        f"GROUP BY r.member_id HAVING COUNT(*) >= {q.p(row.frequency_cap)})"
    )


async def write_messages(
    broadcast_id: int, *, now: datetime, line: LinePush | None, writers: int = WRITERS
) -> Counter[MessageChannel | None]:
    """Queue the messages of a broadcast whose audience is fixed, chunk by chunk (`writers` chunks at
    a time, on their own connections: the database's insert cost is the bound); SENT when all are."""
    row = await Broadcast.get(id=broadcast_id)
    brand = await Brand.get(id=row.brand_id)
    writer = _Writer(
        row=row,
        template=await CouponTemplate.get(id=row.coupon_template_id) if row.coupon_template_id else None,
        # Quiet hours hold, they do not drop: a broadcast due in them is queued for when they end.
        send_at=quiet_hours.release(now, zone=regional.of(brand).zone, quiet_from=row.quiet_from, quiet_to=row.quiet_to)
        or now,
        now=now,
        line_left=await _line_left(brand, line),
    )

    async def loop() -> None:
        while await writer.chunk():
            pass

    await asyncio.gather(*(loop() for _ in range(writers)))
    # A writer stops at an empty chunk; another may still hold rows it skipped (SKIP LOCKED): only
    # when none is left is the broadcast SENT.
    if not await _unwritten(row.id):
        await Broadcast.filter(id=row.id, status=BroadcastStatus.QUEUED).update(status=BroadcastStatus.SENT)
    return writer.chosen


@dataclass
class _Writer:
    row: Broadcast
    template: CouponTemplate | None
    send_at: datetime
    now: datetime
    line_left: int | None
    chosen: Counter[MessageChannel | None] = field(default_factory=Counter)

    async def chunk(self) -> bool:
        """Write one chunk in one transaction, in a few statements whatever its size; False when
        there was none left to take."""
        row, now = self.row, self.now
        async with in_transaction() as conn:
            recipients = await _next_chunk(conn, row.id)
            if not recipients:
                return False
            if self.template is not None:
                unavailable = [r for r, m in recipients if not await _coupon(conn, self.template, row.id, m, now)]
                await _mark_unavailable(conn, unavailable)
            ids = [r for r, _ in recipients]
            coupon = self.template.name if self.template else ""
            # Reserved before the await: concurrent writers never spend the same LINE quota.
            left = self.line_left
            budget = None if left is None else min(len(ids), left)
            self.line_left = None if left is None or budget is None else left - budget
            chosen = await outbox.enqueue_from(
                conn,
                brand_id=row.brand_id,
                kind=MessageKind.BROADCAST,
                source=lambda q: _words(q, row, ids, coupon, now),
                now=now,
                send_at=self.send_at,
                line_budget=budget,
            )
            if self.line_left is not None and budget is not None:  # give back what was not used
                self.line_left += budget - chosen[MessageChannel.LINE]
            # The member's timeline shows what came after the broadcast.
            await touches.record_from(
                conn,
                brand_id=row.brand_id,
                kind=TouchKind.BROADCAST_RECEIVED,
                at=now,
                source=lambda q: (
                    f"SELECT r.member_id, {message_key_sql(row.id, 'r.member_id')} AS source "
                    f"FROM broadcast_recipient r WHERE r.id {q.among(ids)} AND r.skip_reason IS NULL"
                ),
            )
        self.chosen += chosen
        return True


def _words(q: Statement, row: Broadcast, recipient_ids: list[int], coupon: str, now: datetime) -> str:
    """Each recipient's notice in the chunk (not skipped), their own words filled in by the database."""

    def literal(text: str) -> str:
        return q.typed(text, "TEXT")

    def fill(text: str) -> str:
        return personalise.fill_sql(text, PERSONAL_COLUMNS, {"coupon": coupon}, literal)

    def in_their_locale(part: str, default: str) -> str:
        """The member's locale's words when the broadcast has them, else the default's."""
        translated = row.translations or {}
        if not translated:
            return fill(default)
        cases = " ".join(f"WHEN {literal(locale)} THEN {fill(words[part])}" for locale, words in translated.items())
        return f"(CASE m.locale {cases} ELSE {fill(default)} END)"

    def words() -> dict[str, str]:
        return {"title": in_their_locale("title", row.title), "body": in_their_locale("body", row.body)}

    params = q.json_with(notice_facts(row, now), words)
    return (
        f"SELECT r.member_id AS member_id, {message_key_sql(row.id, 'r.member_id')} AS dedupe_key, {params} AS params "
        f"FROM broadcast_recipient r JOIN member m ON m.id = r.member_id {PERSONAL_JOINS} "
        f"WHERE r.id {q.among(recipient_ids)} AND r.skip_reason IS NULL"
    )


async def _unwritten(broadcast_id: int) -> bool:
    return await BroadcastRecipient.exists(
        broadcast_id=broadcast_id, audience_group=AudienceGroup.RECIPIENT, skip_reason=None, queued=False
    )


async def _next_chunk(conn: BaseDBAsyncClient, broadcast_id: int) -> list[tuple[int, int]]:
    """Take the next chunk of recipients, marked queued in the same statement (the chunk's
    transaction rolls the mark back if the rest fails); SKIP LOCKED lets writers take chunks side by side."""
    q = Statement(conn)
    lock = " FOR UPDATE SKIP LOCKED" if q.postgres else ""
    rows = await q.rows(
        f"UPDATE broadcast_recipient SET queued = {q.p(True)} WHERE id IN (SELECT id FROM broadcast_recipient "
        f"WHERE broadcast_id = {q.p(broadcast_id)} AND audience_group = {q.p(AudienceGroup.RECIPIENT.value)} "
        f"AND skip_reason IS NULL AND NOT queued ORDER BY id LIMIT {CHUNK}{lock}) RETURNING id, member_id"
    )
    return sorted((int(r["id"]), int(r["member_id"])) for r in rows)


async def _coupon(
    conn: BaseDBAsyncClient, template: CouponTemplate, broadcast_id: int, member_id: int, now: datetime
) -> bool:
    """Issue the recipient's coupon within the template's limits; False when none can be had."""
    try:
        async with in_transaction() as savepoint:  # a refusal undoes only this member's issue
            await coupons.issue_within(
                savepoint,
                template,
                member_id=member_id,
                now=now,
                idempotency_key=message_key(broadcast_id, member_id),
                notify=False,
            )
    except LoyaltyError:
        return False
    return True


async def _mark_unavailable(conn: BaseDBAsyncClient, unavailable: list[int]) -> None:
    if unavailable:
        await (
            BroadcastRecipient.filter(id__in=unavailable)
            .using_db(conn)
            .update(skip_reason=SkipReason.COUPON_UNAVAILABLE, queued=False)
        )


async def _line_left(brand: Brand, line: LinePush | None) -> int | None:
    """LINE pushes left this month (None: no limit known, or no client to ask). Without the brand's
    token none go over LINE: the outbox could not send them."""
    if not brand.line_channel_access_token:
        return 0
    if line is None:
        return None
    try:
        quota = await line.quota(access_token=brand.line_channel_access_token)
    except LineUnavailable:
        return None  # unknown: LINE's own 429 tells the outbox, which retries later
    return quota.left
