"""The attribution figures as a time series: one point per day, week (Monday first) or month of the
brand's calendar, in its time zone, across daylight-saving changes. The buckets are computed here
(zoneinfo), so neither engine needs time-zone arithmetic: the touches are counted into them by one
statement (PostgreSQL: width_bucket over the buckets' starts, one scan; SQLite: the buckets joined as
a small derived table, an index range scan each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from referral.services.reports import (
    FIGURE_NAMES,
    Figures,
    Filters,
    check_filters,
    check_period,
    figures_sql,
    rows_of,
    touch_where,
)
from referral.sql import Statement


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Point:
    start: datetime
    end: datetime
    figures: Figures


def buckets(start: datetime, end: datetime, grain: Grain, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """[start, end) cut at the local midnights that begin each day, week or month, in UTC; the first
    and last bucket are clipped to the period."""
    local = start.astimezone(zone)
    day = local.date()
    if grain is Grain.WEEK:
        day -= timedelta(days=day.weekday())
    elif grain is Grain.MONTH:
        day = day.replace(day=1)
    step = {Grain.DAY: relativedelta(days=1), Grain.WEEK: relativedelta(weeks=1), Grain.MONTH: relativedelta(months=1)}
    out: list[tuple[datetime, datetime]] = []
    while True:
        begins = datetime.combine(day, time(), zone).astimezone(UTC)
        day += step[grain]
        ends = datetime.combine(day, time(), zone).astimezone(UTC)
        if begins >= end:
            return out
        out.append((max(begins, start.astimezone(UTC)), min(ends, end.astimezone(UTC))))


async def series(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    grain: Grain,
    zone: ZoneInfo,
    filters: Filters,
    followed: bool = True,
) -> list[Point]:
    """Every bucket of the period, empty ones with zeros; raises what attribution raises."""
    check_period(start, end)
    await check_filters(
        brand_id, guide_id=filters.guide_id, store_id=filters.store_id, registration_tag=filters.registration_tag
    )
    return await points(
        brand_id=brand_id,
        start=start,
        end=end,
        cuts=buckets(start, end, grain, zone),
        filters=filters,
        followed=followed,
    )


async def points(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    cuts: list[tuple[datetime, datetime]],
    filters: Filters,
    followed: bool = True,
) -> list[Point]:
    """The touches of [start, end) counted into `cuts` (its buckets), with no check of the arguments:
    for a caller that has made them (`series`, or insight.series for a period's part-days)."""
    q = Statement()
    join = "JOIN member m ON m.id = t.member_id" if filters.by_member else ""
    if q.postgres:
        # One scan; each touch finds its bucket by binary search over the buckets' starts.
        bucket = f"width_bucket(t.occurred_at, CAST({q.p([b for b, _ in cuts])} AS TIMESTAMPTZ[])) - 1"
        source = f"touch t {join}"
    else:
        table = " UNION ALL ".join(
            f"SELECT {q.p(n)} AS n, {q.p(b)} AS s, {q.p(e)} AS e" for n, (b, e) in enumerate(cuts)
        )
        bucket, source = "b.n", f"({table}) b JOIN touch t ON t.occurred_at >= b.s AND t.occurred_at < b.e {join}"
    sql = (
        f"SELECT {bucket} AS n, {figures_sql(q, followed=followed)} FROM {source} "
        f"WHERE {touch_where(q, brand_id, start, end, filters)} GROUP BY 1"
    )
    found = {int(r["n"]): r for r in await rows_of(q, sql)}
    return [
        Point(b, e, Figures(key=None, **{k: int((found.get(n) or {}).get(k) or 0) for k in FIGURE_NAMES}))
        for n, (b, e) in enumerate(cuts)
    ]
