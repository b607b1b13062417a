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
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from insight import snapshot
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
    first, last = _whole_days(start, end, zone)
    if not taken or first >= last or not _steady(zone, start, end):
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
    for edge_start, edge_end, n in ((start, _midnight(first, zone), 0), (_midnight(last, zone), end, -1)):
        if edge_start < edge_end:
            [part] = await report_series.points(
                brand_id=brand_id,
                start=edge_start,
                end=edge_end,
                cuts=[(edge_start, edge_end)],
                filters=filters,
                followed=followed,
            )
            points[n] = replace(points[n], figures=_add(points[n].figures, part.figures))
    return points, taken.refreshed_at


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _whole_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """[first, last): the local days wholly within [start, end)."""
    first = start.astimezone(zone).date()
    if _midnight(first, zone) < start:
        first += timedelta(days=1)
    return first, end.astimezone(zone).date()


def _steady(zone: ZoneInfo, start: datetime, end: datetime) -> bool:
    """Whether the zone keeps one UTC offset over the period (checked daily: offsets change at most
    twice a year, and never for less than a day)."""
    offset = start.astimezone(zone).utcoffset()
    at = start
    while at < end:
        at = min(at + timedelta(days=1), end)
        if at.astimezone(zone).utcoffset() != offset:
            return False
    return True


async def _days(
    brand_id: int, starts: list[date], first: date, last: date, filters: Filters, followed: bool
) -> dict[int, Figures]:
    q = Statement()
    sums = ", ".join(
        f"SUM(d.{name}) AS {name}" if followed or name != "tasks_followed_by_purchase" else f"0 AS {name}"
        for name in FIGURE_NAMES
    )
    where = ""
    for column, value in (
        ("store_id", filters.store_id),
        ("campaign_id", filters.campaign_id),
        ("channel", filters.channel.value if filters.channel else None),
        ("registration_tag", filters.registration_tag),
    ):
        if value is not None:
            where += f" AND d.{column} = {q.p(value)}"
    rows = await snapshot.rows(
        q,
        f"SELECT width_bucket(d.day, CAST({q.p(starts)} AS DATE[])) - 1 AS n, {sums} FROM insight_touch_day d "
        f"WHERE d.brand_id = {q.p(brand_id)} AND d.day >= {q.p(first)} AND d.day < {q.p(last)}{where} GROUP BY 1",
    )
    return {int(r["n"]): Figures(key=None, **{k: int(r[k] or 0) for k in FIGURE_NAMES}) for r in rows}


def _zero() -> Figures:
    return Figures(key=None, **dict.fromkeys(FIGURE_NAMES, 0))


def _add(a: Figures, b: Figures) -> Figures:
    return Figures(key=None, **{k: getattr(a, k) + getattr(b, k) for k in FIGURE_NAMES})
