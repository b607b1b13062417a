"""What followed an event: purchases in the days after it ended by those who came, against two groups
of similar members: those who signed up and did not come (the same intent), and the members of the
attendees' stores who had registered before it and did not sign up. A comparison, not a randomised
holdout: read the differences as association, not as the event's cause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from events.errors import EventError, EventErrorCode
from events.models import Event
from foundation import lift
from insight.errors import InsightError, InsightErrorCode as Code
from referral.models import TouchKind
from referral.sql import Statement


class Group(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"  # confirmed, did not check in
    STAYED_AWAY = "stayed_away"  # same stores as the attendees, registered before, did not sign up


@dataclass(frozen=True)
class Outcome:
    members: int
    buyers: int  # purchases net of returns > 0 in the window
    purchases: int
    revenue_cents: int
    revenue_squares: int


@dataclass(frozen=True)
class Effect:
    days: int
    groups: dict[Group, Outcome]
    # attendees minus each comparison group: the share who bought, revenue per member
    buyer_rate_vs_no_shows: lift.Estimate | None
    buyer_rate_vs_stayed_away: lift.Estimate | None
    revenue_vs_stayed_away: lift.Estimate | None


async def event_effect(*, brand_id: int, event_id: int, days: int = 30) -> Effect:
    if not 1 <= days <= 180:
        raise InsightError(Code.RANGE_INVALID, "Purchases are counted over 1-180 days after the event.", "days")
    event = await Event.get_or_none(id=event_id, brand_id=brand_id)
    if event is None:
        raise EventError(EventErrorCode.EVENT_NOT_FOUND, "No such event.", "event_id")
    q = Statement()
    bought, reversed_ = TouchKind.PURCHASE.value, TouchKind.PURCHASE_REVERSED.value
    groups = (
        "SELECT m.id, CASE WHEN r.checked_in_at IS NOT NULL THEN 'attended' "
        "WHEN r.status = 'confirmed' THEN 'no_show' WHEN r.id IS NULL THEN 'stayed_away' END AS grp "
        f"FROM member m LEFT JOIN registration r ON r.member_id = m.id AND r.event_id = {q.p(event.id)} "
        f"WHERE m.brand_id = {q.p(brand_id)} AND m.deleted_at IS NULL AND (r.id IS NOT NULL OR "
        f"(m.registered_at < {q.p(event.starts_at)} AND m.origin_store_id IN (SELECT a.origin_store_id FROM "
        f"registration ar JOIN member a ON a.id = ar.member_id WHERE ar.event_id = {q.p(event.id)} "
        "AND ar.checked_in_at IS NOT NULL)))"
    )
    window = (
        f"SELECT member_id, SUM(CASE WHEN kind = '{bought}' THEN 1 ELSE -1 END) AS n, "
        f"SUM(CASE WHEN kind = '{bought}' THEN 1 ELSE 0 END) AS purchases, SUM(amount_cents) AS revenue "
        f"FROM touch WHERE brand_id = {q.p(brand_id)} AND kind IN ('{bought}', '{reversed_}') "
        f"AND occurred_at >= {q.p(event.ends_at)} AND occurred_at < {q.p(event.ends_at + timedelta(days=days))} "
        "GROUP BY member_id"
    )
    rows = await q.rows(
        "SELECT g.grp AS grp, COUNT(*) AS members, SUM(CASE WHEN p.n > 0 THEN 1 ELSE 0 END) AS buyers, "
        "COALESCE(SUM(p.purchases), 0) AS purchases, COALESCE(SUM(p.revenue), 0) AS revenue, "
        "COALESCE(SUM(p.revenue * p.revenue), 0) AS squares "
        f"FROM ({groups}) g LEFT JOIN ({window}) p ON p.member_id = g.id WHERE g.grp IS NOT NULL GROUP BY g.grp"
    )
    found = {Group(r["grp"]): r for r in rows}
    out = {
        group: Outcome(
            *(
                int(found[group][k] or 0) if group in found else 0
                for k in ("members", "buyers", "purchases", "revenue", "squares")
            )
        )
        for group in Group
    }
    came, no_show, away = out[Group.ATTENDED], out[Group.NO_SHOW], out[Group.STAYED_AWAY]
    return Effect(
        days=days,
        groups=out,
        buyer_rate_vs_no_shows=lift.rate_difference(came.buyers, came.members, no_show.buyers, no_show.members),
        buyer_rate_vs_stayed_away=lift.rate_difference(came.buyers, came.members, away.buyers, away.members),
        revenue_vs_stayed_away=lift.mean_difference(
            came.revenue_cents,
            came.revenue_squares,
            came.members,
            away.revenue_cents,
            away.revenue_squares,
            away.members,
        ),
    )
