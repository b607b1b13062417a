"""Cohorts: members by the month they registered (the brand's calendar and time zone) against the
months since, each cell with how many of the cohort bought that month, how many of those were buying
again (they had bought in an earlier month since registering), and the revenue. One statement; the
months are cut here (zoneinfo) and each instant finds its month by Statement.bucket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from insight import snapshot
from insight.errors import InsightError, InsightErrorCode as Code
from insight.members import EVERYONE, Members
from referral.models import TouchKind
from referral.sql import Statement

MAX_COHORTS = 24
MAX_SINCE = 24


@dataclass(frozen=True)
class Cell:
    since: int  # months since the registration month (0: that month)
    buyers: int  # of the cohort, bought that month (purchases net of returns > 0)
    returning: int  # of those, had bought in an earlier month since registering ("again")
    revenue_cents: int  # purchases net of returns that month


@dataclass(frozen=True)
class Cohort:
    month: date  # the first day of the registration month
    members: int  # registered that month (not erased)
    cells: list[Cell]  # since 0 up to the current month (at most MAX_SINCE)
    as_of: datetime | None = None  # the figures' snapshot (insight.snapshot); None: read live


def month_starts(first: date, count: int, zone: ZoneInfo) -> list[datetime]:
    return [datetime.combine(first + relativedelta(months=n), time(), zone).astimezone(UTC) for n in range(count)]


async def cohorts(
    *,
    brand_id: int,
    first_month: date,
    months: int,
    now: datetime,
    zone: ZoneInfo,
    members: Members = EVERYONE,
) -> list[Cohort]:
    """`months` cohorts from `first_month` (1-24; the first not after the current month), of `members`."""
    first = first_month.replace(day=1)
    today = now.astimezone(zone).date()
    current = (today.year - first.year) * 12 + today.month - first.month  # the current month's index
    if not 1 <= months <= MAX_COHORTS:
        raise InsightError(Code.RANGE_INVALID, f"1-{MAX_COHORTS} cohorts.", "months")
    if current < 0 or current > 120:
        raise InsightError(Code.RANGE_INVALID, "The first month is in the future or over 10 years ago.", "from")
    months = min(months, current + 1)
    taken = await snapshot.current(brand_id, members, zone)
    if taken:
        found = await _from_snapshot(brand_id, first, months, members)
    else:
        found = await _from_touches(brand_id, first, months, current, zone, members)
    out = []
    for c in range(months):
        size = found.get((c, -1))
        cells = []
        for since in range(min(current - c, MAX_SINCE) + 1):
            r = found.get((c, since)) or {}
            cells.append(Cell(since, int(r.get("buyers") or 0), int(r.get("again") or 0), int(r.get("revenue") or 0)))
        month = first + relativedelta(months=c)
        out.append(Cohort(month, int(size["buyers"]) if size else 0, cells, taken.refreshed_at if taken else None))
    return out


Found = dict[tuple[int, int], dict[str, Any]]  # (cohort, since) -> buyers, again, revenue; since -1: size


async def _from_touches(
    brand_id: int, first: date, months: int, current: int, zone: ZoneInfo, members: Members
) -> Found:
    # Every month from the first cohort's to the current one (or the last cohort's + MAX_SINCE).
    starts = month_starts(first, min(current, months - 1 + MAX_SINCE) + 2, zone)
    q = Statement()
    kinds = f"('{TouchKind.PURCHASE.value}', '{TouchKind.PURCHASE_REVERSED.value}')"
    # Each piece is written in text order: SQLite binds its "?" by position.
    reg = (
        f"SELECT m.id, {q.bucket('m.registered_at', starts[:-1])} AS c FROM member m "
        f"WHERE m.brand_id = {q.p(brand_id)} AND m.deleted_at IS NULL AND m.registered_at >= {q.p(starts[0])} "
        f"AND m.registered_at < {q.p(starts[months])}{members.where(q)}"
    )
    buys = (
        f"SELECT t.member_id, {q.bucket('t.occurred_at', starts[:-1])} AS k, "
        f"SUM(CASE WHEN t.kind = '{TouchKind.PURCHASE.value}' THEN 1 ELSE -1 END) AS n, "
        f"SUM(t.amount_cents) AS revenue FROM touch t JOIN reg ON reg.id = t.member_id "
        f"WHERE t.brand_id = {q.p(brand_id)} AND t.kind IN {kinds} AND t.occurred_at >= {q.p(starts[0])} "
        f"AND t.occurred_at < {q.p(starts[-1])}{members.credited(q)} GROUP BY t.member_id, k"
    )
    sql = (
        f"WITH reg AS ({reg}), buys AS ({buys}), "
        "firsts AS (SELECT b.member_id, MIN(b.k) AS f FROM buys b JOIN reg ON reg.id = b.member_id "
        "WHERE b.n > 0 AND b.k >= reg.c GROUP BY b.member_id) "
        "SELECT reg.c AS c, b.k - reg.c AS since, SUM(CASE WHEN b.n > 0 THEN 1 ELSE 0 END) AS buyers, "
        "SUM(CASE WHEN b.n > 0 AND f.f < b.k THEN 1 ELSE 0 END) AS again, SUM(b.revenue) AS revenue "
        "FROM buys b JOIN reg ON reg.id = b.member_id LEFT JOIN firsts f ON f.member_id = b.member_id "
        "WHERE b.k >= reg.c GROUP BY reg.c, b.k - reg.c "
        "UNION ALL SELECT reg.c, -1, COUNT(*), 0, 0 FROM reg GROUP BY reg.c"
    )
    return {(int(r["c"]), int(r["since"])): r for r in await q.rows(sql)}


async def _from_snapshot(brand_id: int, first: date, months: int, members: Members) -> Found:
    q = Statement()
    rows = await q.rows(
        "SELECT c.month, c.since, SUM(c.buyers) AS buyers, SUM(c.again) AS again, SUM(c.cents) AS revenue "
        f"FROM insight_cohort_cell c WHERE c.brand_id = {q.p(brand_id)} AND c.month >= {q.p(first)} "
        f"AND c.month < {q.p(first + relativedelta(months=months))}{members.where(q, 'c')} GROUP BY c.month, c.since"
    )
    return {((r["month"].year - first.year) * 12 + r["month"].month - first.month, int(r["since"])): r for r in rows}
