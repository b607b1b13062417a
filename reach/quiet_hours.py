"""Quiet hours hold a marketing message until the window ends; they never drop it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DAY = 24 * 60


def release(at: datetime, *, zone: ZoneInfo, quiet_from: int | None, quiet_to: int | None) -> datetime | None:
    """When a message due `at` may go, if `at` falls in the quiet window [quiet_from, quiet_to)
    (minutes after local midnight; the window may wrap midnight); None when it may go now."""
    if quiet_from is None or quiet_to is None or quiet_from == quiet_to:
        return None
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    inside = quiet_from <= minute < quiet_to if quiet_from < quiet_to else minute >= quiet_from or minute < quiet_to
    if not inside:
        return None
    days = 1 if quiet_from > quiet_to and minute >= quiet_from else 0
    # Python adds a timedelta to an aware datetime on the wall clock: across a DST change the result
    # is still quiet_to local time, with the zone's offset of that day.
    return local.replace(hour=quiet_to // 60, minute=quiet_to % 60, second=0, microsecond=0) + timedelta(days=days)
