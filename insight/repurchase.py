"""Do members come back? For a period: buyers (purchases net of returns), those who bought twice or
more (the repurchase rate), the mean days between one purchase and a member's next, and the loyal
customers by the brand's rule (at least N purchases in the M months before the period's end: the
brand's referral policy holds N and M, updateReferralPolicy sets them)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from insight import snapshot
from insight.errors import InsightError, InsightErrorCode as Code
from insight.members import EVERYONE, Members
from referral.models import TouchKind
from referral.services import policy as policies
from referral.sql import Statement

MAX_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class Repurchase:
    buyers: int
    repeat_buyers: int
    mean_days_between: float | None  # None: nobody bought twice in the period
    loyal: int
    loyal_purchases: int
    loyal_months: int
    as_of: datetime | None = None  # the figures' snapshot (insight.snapshot); None: read live

    @property
    def rate(self) -> float:
        return self.repeat_buyers / self.buyers if self.buyers else 0.0


def _net(q: Statement, brand_id: int, start: datetime, end: datetime, members: Members) -> str:
    """Each member's purchases net of returns in [start, end), of `members`."""
    return (
        f"SELECT t.member_id, SUM(CASE WHEN t.kind = '{TouchKind.PURCHASE.value}' THEN 1 ELSE -1 END) AS n "
        f"FROM touch t WHERE t.brand_id = {q.p(brand_id)} AND t.kind IN ('{TouchKind.PURCHASE.value}', "
        f"'{TouchKind.PURCHASE_REVERSED.value}') AND t.occurred_at >= {q.p(start)} AND t.occurred_at < {q.p(end)}"
        f"{members.of_touches(q)} GROUP BY t.member_id"
    )


async def repurchase(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    loyal_purchases: int | None = None,
    loyal_months: int | None = None,
    members: Members = EVERYONE,
) -> Repurchase:
    """The figures for [start, end); the loyal rule is the brand's (its referral policy) unless given."""
    if loyal_purchases is None or loyal_months is None:
        policy = await policies.get(brand_id=brand_id)
        loyal_purchases = policy.loyal_purchases if loyal_purchases is None else loyal_purchases
        loyal_months = policy.loyal_months if loyal_months is None else loyal_months
    if not start < end or end - start > MAX_PERIOD:
        raise InsightError(
            Code.RANGE_INVALID, "The period must start before it ends and span at most 366 days.", "from"
        )
    if not (1 <= loyal_purchases <= 100 and 1 <= loyal_months <= 24):
        raise InsightError(
            Code.RANGE_INVALID, "A loyal customer: 1-100 purchases within 1-24 months.", "loyalPurchases"
        )
    since = end - relativedelta(months=loyal_months)
    taken = await snapshot.current(brand_id, members)
    read = _from_snapshot if taken else _from_touches
    buyers, repeat_buyers, loyal, days = await read(brand_id, start, end, since, loyal_purchases, members)
    return Repurchase(
        buyers=int(buyers or 0),
        repeat_buyers=int(repeat_buyers or 0),
        mean_days_between=None if days is None else round(float(days), 2),
        loyal=int(loyal or 0),
        loyal_purchases=loyal_purchases,
        loyal_months=loyal_months,
        as_of=taken.refreshed_at if taken else None,
    )


class _Counted(NamedTuple):
    """Buyers, repeat buyers, loyal customers and the mean days between purchases (None if no gap),
    as either source reads them (a count may be None: no row to count)."""

    buyers: Any
    repeat_buyers: Any
    loyal: Any
    days: Any


async def _from_touches(
    brand_id: int, start: datetime, end: datetime, since: datetime, loyal_purchases: int, members: Members
) -> _Counted:
    # Three statements side by side (each on its own connection of the pool on PostgreSQL).
    q1, q2, q3 = Statement(), Statement(), Statement()
    previous = "LAG(t.occurred_at) OVER (PARTITION BY t.member_id ORDER BY t.occurred_at, t.id)"
    counts, loyal, gaps = await asyncio.gather(
        q1.rows(
            "SELECT SUM(CASE WHEN p.n >= 1 THEN 1 ELSE 0 END) AS buyers, SUM(CASE WHEN p.n >= 2 THEN 1 ELSE 0 END) "
            f"AS repeat_buyers FROM ({_net(q1, brand_id, start, end, members)}) p"
        ),
        q2.rows(
            f"SELECT COUNT(*) AS n FROM ({_net(q2, brand_id, since, end, members)}) p "
            f"WHERE p.n >= {q2.p(loyal_purchases)}"
        ),
        q3.rows(
            f"SELECT AVG(g.days) AS days FROM (SELECT {q3.days_between('t.occurred_at', previous)} AS days "
            f"FROM touch t WHERE t.brand_id = {q3.p(brand_id)} AND t.kind = '{TouchKind.PURCHASE.value}' "
            f"AND t.occurred_at >= {q3.p(start)} AND t.occurred_at < {q3.p(end)}{members.of_touches(q3)}) g "
            "WHERE g.days IS NOT NULL"
        ),
    )
    return _Counted(counts[0]["buyers"], counts[0]["repeat_buyers"], loyal[0]["n"], gaps[0]["days"])


async def _from_snapshot(
    brand_id: int, start: datetime, end: datetime, since: datetime, loyal_purchases: int, members: Members
) -> _Counted:
    """The same figures from one pass over the members' rows. The gaps between a member's purchases
    within the period add up to the last minus the first, over one fewer than their number."""
    q = Statement()
    w = snapshot.Window(q, start, end, since)
    n, bought = w.net(), w.purchases()
    row = (
        await snapshot.rows(
            q,
            f"SELECT SUM(CASE WHEN {n} >= 1 THEN 1 ELSE 0 END) AS buyers, "
            f"SUM(CASE WHEN {n} >= 2 THEN 1 ELSE 0 END) AS repeat_buyers, "
            f"SUM(CASE WHEN {w.net(since=True)} >= {q.p(loyal_purchases)} THEN 1 ELSE 0 END) AS loyal, "
            f"SUM(CASE WHEN {bought} >= 2 THEN {q.days_between(w.last(), w.first())} END) "
            f"/ NULLIF(SUM(CASE WHEN {bought} >= 2 THEN {bought} - 1 END), 0) AS days "
            f"FROM {w.source(brand_id, members)}",
        )
    )[0]
    return _Counted(row["buyers"], row["repeat_buyers"], row["loyal"], row["days"])
