"""Customer profiles: journey stage, automatic tags and value scores, each score with its parts.

Everything is derived from the member row, the touch timeline and the referral graph, so a
profile is never out of step with what happened. The rules (README, "Customer profiles"):

Journey stage, first match wins: aware (signed in, not registered); advocate (brought at least
one registered member); repeat (2+ purchases net of returns); purchased (1); registered.

Value = revenue + engagement + influence, in points:
  revenue     1 point per currency unit spent, net of returns
  engagement  1 per code scan, 2 per event sign-up, 5 per event check-in, 3 per event interaction,
              2 per coupon used in store
  influence   20 per registered member brought, plus 10% of what those members spent
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.functions import Count, Max, Sum

from referral.models import Member, ReferralPolicy, Touch, TouchKind
from referral.sql import Statement


class Stage(StrEnum):
    AWARE = "aware"
    REGISTERED = "registered"
    PURCHASED = "purchased"
    REPEAT = "repeat"
    ADVOCATE = "advocate"


ENGAGEMENT_WEIGHTS: dict[TouchKind, int] = {
    TouchKind.GUIDE_SCAN: 1,
    TouchKind.INVITE_SCAN: 1,
    TouchKind.EVENT_SIGN_UP: 2,
    TouchKind.EVENT_CHECK_IN: 5,
    TouchKind.EVENT_INTERACTION: 3,
    TouchKind.COUPON_WRITTEN_OFF: 2,
}
POINTS_PER_REFERRAL = 20
REFERRED_REVENUE_SHARE = 0.10


@dataclass
class Stats:
    """What the rules above read, gathered for many members in a fixed number of queries."""

    counts: dict[TouchKind, int] = field(default_factory=dict)
    revenue_cents: int = 0
    last_touch_at: datetime | None = None
    referred: int = 0
    referred_revenue_cents: int = 0

    @property
    def purchases(self) -> int:
        return self.counts.get(TouchKind.PURCHASE, 0) - self.counts.get(TouchKind.PURCHASE_REVERSED, 0)


@dataclass(frozen=True)
class ScorePart:
    score: str
    label: str
    count: int
    weight: float
    points: float


@dataclass(frozen=True)
class Value:
    revenue: float
    engagement: float
    influence: float
    parts: list[ScorePart]

    @property
    def total(self) -> float:
        return self.revenue + self.engagement + self.influence


@dataclass(frozen=True)
class Profile:
    stage: Stage
    auto_tags: list[str]
    value: Value
    stats: Stats


def stage_of(member: Member, stats: Stats) -> Stage:
    if member.registered_at is None:
        return Stage.AWARE
    if stats.referred > 0:
        return Stage.ADVOCATE
    if stats.purchases >= 2:
        return Stage.REPEAT
    if stats.purchases == 1:
        return Stage.PURCHASED
    return Stage.REGISTERED


def value_of(stats: Stats) -> Value:
    parts = [
        ScorePart(
            "revenue", "spent (currency units, net of returns)", stats.revenue_cents, 0.01, stats.revenue_cents / 100
        )
    ]
    for kind, weight in ENGAGEMENT_WEIGHTS.items():
        count = stats.counts.get(kind, 0)
        if count:
            parts.append(ScorePart("engagement", kind.value, count, weight, count * weight))
    parts.append(
        ScorePart(
            "influence", "members brought", stats.referred, POINTS_PER_REFERRAL, stats.referred * POINTS_PER_REFERRAL
        )
    )
    parts.append(
        ScorePart(
            "influence",
            "spent by members brought (currency units)",
            stats.referred_revenue_cents,
            REFERRED_REVENUE_SHARE / 100,
            stats.referred_revenue_cents * REFERRED_REVENUE_SHARE / 100,
        )
    )
    total = {name: sum(p.points for p in parts if p.score == name) for name in ("revenue", "engagement", "influence")}
    return Value(revenue=total["revenue"], engagement=total["engagement"], influence=total["influence"], parts=parts)


def auto_tags(member: Member, stats: Stats, policy: ReferralPolicy, now: datetime) -> list[str]:
    today = now.date()
    tags = []
    if member.baby_birth_date and today - member.baby_birth_date <= timedelta(days=365):
        tags.append("new mother")
    if member.baby_due_date and member.baby_due_date >= today and not member.baby_birth_date:
        tags.append("expecting")
    if stats.revenue_cents >= policy.vip_revenue_cents:
        tags.append("VIP")
    if member.registered_at and (stats.last_touch_at or member.registered_at) < now - timedelta(
        days=policy.lapsed_after_days
    ):
        tags.append("lapsed")
    return tags


def profile_of(member: Member, stats: Stats, policy: ReferralPolicy, now: datetime) -> Profile:
    return Profile(stage_of(member, stats), auto_tags(member, stats, policy, now), value_of(stats), stats)


# Touches the brand makes on its own: they do not show the member is active (or no longer lapsed).
OUTWARD = frozenset({TouchKind.BROADCAST_RECEIVED, TouchKind.TASK_DONE})


async def stats_for(*, brand_id: int, member_ids: Sequence[int]) -> dict[int, Stats]:
    """Stats of many members in two queries, whatever their number (DataLoaders batch into this)."""
    stats = {member_id: Stats() for member_id in member_ids}
    if not member_ids:
        return stats
    rows = (
        await Touch.filter(brand_id=brand_id, member_id__in=list(member_ids))
        .annotate(n=Count("id"), amount=Sum("amount_cents"), last=Max("occurred_at"))
        .group_by("member_id", "kind")
        .values("member_id", "kind", "n", "amount", "last")
    )
    for row in rows:
        s = stats[row["member_id"]]
        kind = TouchKind(row["kind"])
        s.counts[kind] = int(row["n"])
        if kind in (TouchKind.PURCHASE, TouchKind.PURCHASE_REVERSED):
            s.revenue_cents += int(row["amount"] or 0)
        last = row["last"]
        if kind not in OUTWARD and last is not None and (s.last_touch_at is None or last > s.last_touch_at):
            s.last_touch_at = last
    await _referral_stats(brand_id, member_ids, stats)
    return stats


async def _referral_stats(brand_id: int, member_ids: Sequence[int], stats: dict[int, Stats]) -> None:
    q = Statement()
    brand = q.p(brand_id)
    placeholders = ", ".join(q.p(member_id) for member_id in member_ids)
    sql = f"""
        SELECT m.referrer_id AS referrer_id, COUNT(DISTINCT m.id) AS referred,
               COALESCE(SUM(CASE WHEN t.kind IN ('purchase', 'purchase_reversed')
                                 THEN t.amount_cents ELSE 0 END), 0) AS spent
        FROM member m LEFT JOIN touch t ON t.member_id = m.id
        WHERE m.brand_id = {brand} AND m.registered_at IS NOT NULL AND m.referrer_id IN ({placeholders})
        GROUP BY m.referrer_id
    """
    for row in await q.rows(sql):
        s = stats[int(row["referrer_id"])]
        s.referred, s.referred_revenue_cents = int(row["referred"]), int(row["spent"])


class Score(StrEnum):
    TOTAL = "total"
    REVENUE = "revenue"
    ENGAGEMENT = "engagement"
    INFLUENCE = "influence"


def value_sql(brand_id: int, score: Score) -> str:
    """A value score as SQL over the whole brand: (member_id, points) for each member with any part
    of it, in thousandths of a point, integers, so a threshold compares exactly; members without a
    row have 0. Only the rows the score reads are read. Keep in step with value_of: a test compares them."""
    brand = int(brand_id)
    bought = f"('{TouchKind.PURCHASE.value}', '{TouchKind.PURCHASE_REVERSED.value}')"
    weighed = ", ".join(f"'{kind.value}'" for kind in ENGAGEMENT_WEIGHTS)
    weights = " ".join(f"WHEN '{kind.value}' THEN {weight * 1000}" for kind, weight in ENGAGEMENT_WEIGHTS.items())
    brought = f"f.brand_id = {brand} AND f.registered_at IS NOT NULL AND f.referrer_id IS NOT NULL"
    parts = {
        # cents x 10: a point per currency unit
        Score.REVENUE: [
            f"SELECT t.member_id, t.amount_cents * 10 AS points FROM touch t "
            f"WHERE t.brand_id = {brand} AND t.kind IN {bought}"
        ],
        Score.ENGAGEMENT: [
            f"SELECT t.member_id, CASE t.kind {weights} END AS points FROM touch t "
            f"WHERE t.brand_id = {brand} AND t.kind IN ({weighed})"
        ],
        # per member brought, and a share of what they spent (10%: their cents, in thousandths)
        Score.INFLUENCE: [
            f"SELECT f.referrer_id AS member_id, {POINTS_PER_REFERRAL * 1000} AS points FROM member f WHERE {brought}",
            f"SELECT f.referrer_id AS member_id, t.amount_cents * {REFERRED_REVENUE_SHARE * 10:g} AS points "
            f"FROM member f JOIN touch t ON t.member_id = f.id WHERE {brought} AND t.kind IN {bought}",
        ],
    }
    chosen = [sql for part in (parts if score is Score.TOTAL else [score]) for sql in parts[part]]
    return f"SELECT u.member_id, SUM(u.points) AS points FROM ({' UNION ALL '.join(chosen)}) u GROUP BY u.member_id"


# stage_of, as SQL over the whole brand (for the funnel). Keep the two in step: a test compares them.
STAGE_SQL = """
CASE
    WHEN m.registered_at IS NULL THEN 'aware'
    WHEN COALESCE(r.n, 0) > 0 THEN 'advocate'
    WHEN COALESCE(p.n, 0) >= 2 THEN 'repeat'
    WHEN COALESCE(p.n, 0) = 1 THEN 'purchased'
    ELSE 'registered'
END
"""
