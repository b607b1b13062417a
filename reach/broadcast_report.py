"""What a broadcast did: where each message went, and what its audience did afterwards compared with
its holdout. Conversions count everyone the broadcast was meant for (sent, skipped or not), against
everyone held out: an intention-to-treat comparison, so skips cannot flatter the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tortoise.functions import Count

from foundation import lift
from foundation.lift import Estimate
from reach.broadcasts import message_key
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import AudienceGroup, Broadcast, BroadcastRecipient, SkipReason
from referral.models import Message, MessageChannel, MessageStatus, TouchKind
from referral.sql import Statement


class RecipientState(StrEnum):
    QUEUED = "queued"  # waiting for its turn in the outbox (or for quiet hours to end)
    SENT = "sent"  # the platform accepted it
    DELIVERED = "delivered"  # WeChat's receipt says it reached the member
    UNCERTAIN = "uncertain"  # WeChat did not answer in time: maybe sent, never resent
    REFUSED = "refused"  # the platform refused it (the reason says why)
    INBOX_ONLY = "inbox_only"  # no channel could carry it: it is in the member's inbox
    SKIPPED = "skipped"  # not sent (the reason says why)
    HELD_OUT = "held_out"


_BY_STATUS = {
    MessageStatus.PENDING: RecipientState.QUEUED,
    MessageStatus.SENDING: RecipientState.QUEUED,
    MessageStatus.SENT: RecipientState.SENT,
    MessageStatus.DELIVERED: RecipientState.DELIVERED,
    MessageStatus.UNKNOWN: RecipientState.UNCERTAIN,
    MessageStatus.FAILED: RecipientState.REFUSED,
    MessageStatus.SKIPPED: RecipientState.INBOX_ONLY,
}


@dataclass(frozen=True)
class Delivery:
    state: RecipientState
    reason: str | None
    channel: MessageChannel | None


@dataclass(frozen=True)
class Outcome:
    """What a group did in the window: members, those who bought, and the sums."""

    members: int
    converted: int
    claims: int
    revenue: int
    revenue_squares: int
    sign_ups: int
    write_offs: int

    @property
    def rate(self) -> float | None:
        return self.converted / self.members if self.members else None

    @property
    def revenue_per_member(self) -> float | None:
        return self.revenue / self.members if self.members else None


@dataclass(frozen=True)
class Report:
    audience: int
    held_out: int
    channels: dict[MessageChannel | None, Counter[RecipientState]]
    skipped: Counter[SkipReason]
    days: int
    recipients: Outcome
    holdout: Outcome
    conversion_lift: Estimate | None
    revenue_lift: Estimate | None


async def report(row: Broadcast, *, days: int | None = None) -> Report:
    """The broadcast's figures, conversions counted over `days` (1-90; its own window if None);
    raises BROADCAST_INVALID for a window out of range."""
    if days is not None and not 1 <= days <= 90:
        raise ReachError(Code.BROADCAST_INVALID, "Count conversions over 1-90 days.", "days")
    days = days or row.conversion_days
    outcomes = await _outcomes(row, days)
    treated, control = outcomes[AudienceGroup.RECIPIENT], outcomes[AudienceGroup.HOLDOUT]
    skipped = Counter(
        {
            SkipReason(reason): int(n)
            for reason, n in await BroadcastRecipient.filter(broadcast_id=row.id, skip_reason__isnull=False)
            .group_by("skip_reason")
            .annotate(n=Count("id"))
            .values_list("skip_reason", "n")
        }
    )
    return Report(
        audience=row.audience or 0,
        held_out=control.members,
        channels=await _channels(row),
        skipped=skipped,
        days=days,
        recipients=treated,
        holdout=control,
        conversion_lift=conversion_lift(treated, control),
        revenue_lift=revenue_lift(treated, control),
    )


def conversion_lift(treated: Outcome, control: Outcome) -> Estimate | None:
    """Difference in the share who bought, with a Wald interval (normal approximation)."""
    return lift.rate_difference(treated.converted, treated.members, control.converted, control.members)


def revenue_lift(treated: Outcome, control: Outcome) -> Estimate | None:
    """Difference in revenue per member (minor units), with a Welch interval; needs 2+ in each group."""
    return lift.mean_difference(
        treated.revenue,
        treated.revenue_squares,
        treated.members,
        control.revenue,
        control.revenue_squares,
        control.members,
    )


async def _outcomes(row: Broadcast, days: int) -> dict[AudienceGroup, Outcome]:
    q = Statement()
    start = row.queued_at or row.send_at
    kinds = (TouchKind.PURCHASE, TouchKind.PURCHASE_REVERSED, TouchKind.EVENT_SIGN_UP, TouchKind.COUPON_WRITTEN_OFF)
    sql = (
        "SELECT r.audience_group AS grp, COUNT(*) AS members, "
        "SUM(CASE WHEN t.claims > 0 THEN 1 ELSE 0 END) AS converted, COALESCE(SUM(t.claims), 0) AS claims, "
        "COALESCE(SUM(t.revenue), 0) AS revenue, COALESCE(SUM(t.revenue * t.revenue), 0) AS revenue_squares, "
        "COALESCE(SUM(t.sign_ups), 0) AS sign_ups, COALESCE(SUM(t.write_offs), 0) AS write_offs "
        "FROM broadcast_recipient r LEFT JOIN (SELECT member_id, "
        f"SUM(CASE WHEN kind = {q.p(TouchKind.PURCHASE.value)} THEN 1 ELSE 0 END) AS claims, "
        f"SUM(CASE WHEN kind IN ({q.p(kinds[0].value)}, {q.p(kinds[1].value)}) THEN amount_cents ELSE 0 END) "
        "AS revenue, "
        f"SUM(CASE WHEN kind = {q.p(TouchKind.EVENT_SIGN_UP.value)} THEN 1 ELSE 0 END) AS sign_ups, "
        f"SUM(CASE WHEN kind = {q.p(TouchKind.COUPON_WRITTEN_OFF.value)} THEN 1 ELSE 0 END) AS write_offs "
        f"FROM touch WHERE brand_id = {q.p(row.brand_id)} AND occurred_at >= {q.p(start)} "
        f"AND occurred_at < {q.p(start + timedelta(days=days))} AND kind IN ({', '.join(q.p(k.value) for k in kinds)}) "
        f"GROUP BY member_id) t ON t.member_id = r.member_id WHERE r.broadcast_id = {q.p(row.id)} "
        "GROUP BY r.audience_group"
    )
    found = {AudienceGroup(r["grp"]): r for r in await q.rows(sql)}
    names = ("members", "converted", "claims", "revenue", "revenue_squares", "sign_ups", "write_offs")
    return {
        group: Outcome(**{name: int(found[group][name]) if group in found else 0 for name in names})
        for group in AudienceGroup
    }


async def _channels(row: Broadcast) -> dict[MessageChannel | None, Counter[RecipientState]]:
    q = Statement()
    rows = await q.rows(
        "SELECT msg.channel, msg.status, COUNT(*) AS n FROM broadcast_recipient r JOIN message msg "
        f"ON msg.brand_id = {q.p(row.brand_id)} AND msg.dedupe_key = {_key_sql()} "
        f"WHERE r.broadcast_id = {q.p(row.id)} AND r.queued AND r.skip_reason IS NULL "
        "GROUP BY msg.channel, msg.status"
    )
    found: dict[MessageChannel | None, Counter[RecipientState]] = {}
    for r in rows:
        state = _BY_STATUS[MessageStatus(r["status"])]
        # Meant for WeChat but without an acceptance to spend: it went to the inbox only.
        channel = MessageChannel(r["channel"]) if r["channel"] and state is not RecipientState.INBOX_ONLY else None
        found.setdefault(channel, Counter())[state] += int(r["n"])
    return found


def _key_sql() -> str:
    """reach.broadcasts.message_key, in SQL."""
    return "('broadcast:' || r.broadcast_id || ':' || r.member_id)"


async def deliveries(row: Broadcast, recipients: list[BroadcastRecipient]) -> dict[int, Delivery]:
    """Each recipient's state, by member id, in one query for the page."""
    keys = [message_key(row.id, r.member_id) for r in recipients if r.queued and r.skip_reason is None]
    messages = (
        {m.member_id: m for m in await Message.filter(brand_id=row.brand_id, dedupe_key__in=keys)} if keys else {}
    )
    found: dict[int, Delivery] = {}
    for r in recipients:
        message = messages.get(r.member_id)
        if r.audience_group is AudienceGroup.HOLDOUT:
            found[r.member_id] = Delivery(RecipientState.HELD_OUT, None, None)
        elif r.skip_reason is not None:
            found[r.member_id] = Delivery(RecipientState.SKIPPED, r.skip_reason.value, None)
        elif message is None:
            found[r.member_id] = Delivery(RecipientState.QUEUED, None, None)
        else:
            state = _BY_STATUS[message.status]
            reason = message.last_error if state in (RecipientState.REFUSED, RecipientState.UNCERTAIN) else None
            found[r.member_id] = Delivery(
                state, reason, None if state is RecipientState.INBOX_ONLY else message.channel
            )
    return found
