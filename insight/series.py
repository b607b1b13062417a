"""The attribution series (referral.services.report_series) read from the pre-computed days on
PostgreSQL: the whole local days of the period from insight_touch_day, a few dozen rows a day instead
of every touch, and the part-days at its two ends (a period need not start at midnight) live from the
touches, each less than a day of them. The figures are the same as read live, to the unit.

Read live instead: on SQLite, before the first refresh, for one guide (a guide's touches are few and
indexed), when the brand's zone is not the one the days were cut in, and when the zone changes its
offset within the period (daylight saving: a local midnight may not exist, and the days as
PostgreSQL cuts them could differ from the buckets)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from insight import days, snapshot
from insight.members import EVERYONE
from referral.services import report_series, reports
from referral.services.report_series import Grain, Point
from referral.services.reports import FIGURE_NAMES, Figures, Filters
from referral.sql import Statement


async def series(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    grain: Grain,
    zone: ZoneInfo,
    filters: Filters,
    followed: bool = True,
) -> tuple[list[Point], datetime | None]:
    """The points of report_series.series, and when the days they were read from were refreshed
    (None: read live)."""
    reports.check_period(start, end)
    taken = None if filters.guide_id is not None else await snapshot.current(brand_id, EVERYONE, zone)
    first, last = days.whole_days(start, end, zone)
    if not taken or first >= last or not days.steady(zone, start, end):
        points = await report_series.series(
            brand_id=brand_id, start=start, end=end, grain=grain, zone=zone, filters=filters, followed=followed
        )
        return points, None
    cuts = report_series.buckets(start, end, grain, zone)
    await reports.check_filters(
        brand_id, guide_id=None, store_id=filters.store_id, registration_tag=filters.registration_tag
    )
    found = await _days(brand_id, [b.astimezone(zone).date() for b, _ in cuts], first, last, filters, followed)
    points = [Point(b, e, found.get(n) or _zero()) for n, (b, e) in enumerate(cuts)]
    # The part-days at the ends, each within the first or the last point.
    for edge_start, edge_end in days.edges(start, end, zone):
        [part] = await report_series.points(
            brand_id=brand_id, start=edge_start, end=edge_end, cuts=[(edge_start, edge_end)], filters=filters,
            followed=followed,
        )  # fmt: skip
        n = 0 if edge_start == start else -1
        points[n] = replace(points[n], figures=days.add(points[n].figures, part.figures))
    return points, taken.refreshed_at


async def _days(
    brand_id: int, starts: list[date], first: date, last: date, filters: Filters, followed: bool
) -> dict[int, Figures]:
    q = Statement()
    rows = await snapshot.rows(
        q,
        f"SELECT width_bucket(d.day, CAST({q.p(starts)} AS DATE[])) - 1 AS n, {days.sums(followed)} "
        f"FROM insight_touch_day d WHERE d.brand_id = {q.p(brand_id)} AND d.day >= {q.p(first)} "
        f"AND d.day < {q.p(last)}{days.where(q, filters)} GROUP BY 1",
    )
    return {int(r["n"]): days.figures(r) for r in rows}


def _zero() -> Figures:
    return Figures(key=None, **dict.fromkeys(FIGURE_NAMES, 0))
