"""The pre-computed days (insight_touch_day) and how a period splits over them: the local days wholly
within it, read from the table, and the part-days at its two ends, read live from the touches. A
period is cut this way only while the brand's zone keeps one UTC offset (daylight saving: a local
midnight may not exist, and the days as PostgreSQL cuts them could differ)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from referral.services.reports import FIGURE_NAMES, Figures, Filters
from referral.sql import Statement


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def whole_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """[first, last): the local days wholly within [start, end)."""
    first = start.astimezone(zone).date()
    if midnight(first, zone) < start:
        first += timedelta(days=1)
    return first, end.astimezone(zone).date()


def edges(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The part-days before the first whole day and after the last one (none when empty)."""
    first, last = whole_days(start, end, zone)
    return [(b, e) for b, e in ((start, midnight(first, zone)), (midnight(last, zone), end)) if b < e]


def steady(zone: ZoneInfo, start: datetime, end: datetime) -> bool:
    """Whether the zone keeps one UTC offset over the period (checked daily: offsets change at most
    twice a year, and never for less than a day)."""
    offset = start.astimezone(zone).utcoffset()
    at = start
    while at < end:
        at = min(at + timedelta(days=1), end)
        if at.astimezone(zone).utcoffset() != offset:
            return False
    return True


def sums(followed: bool) -> str:
    """The figures summed over the days' rows `d`."""
    return ", ".join(
        f"SUM(d.{name}) AS {name}" if followed or name != "tasks_followed_by_purchase" else f"0 AS {name}"
        for name in FIGURE_NAMES
    )


def where(q: Statement, filters: Filters) -> str:
    """The filters the days' rows carry (not a guide: read live)."""
    out = ""
    for column, value in (
        ("store_id", filters.store_id),
        ("campaign_id", filters.campaign_id),
        ("channel", filters.channel.value if filters.channel else None),
        ("registration_tag", filters.registration_tag),
    ):
        if value is not None:
            out += f" AND d.{column} = {q.p(value)}"
    return out


def figures(row: dict[str, Any], key: str | None = None) -> Figures:
    return Figures(key=key, **{k: int(row[k] or 0) for k in FIGURE_NAMES})


def add(a: Figures | None, b: Figures) -> Figures:
    return b if a is None else Figures(key=b.key, **{k: getattr(a, k) + getattr(b, k) for k in FIGURE_NAMES})
