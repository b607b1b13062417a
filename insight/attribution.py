"""Attribution by guide, store, campaign, channel or registration tag (referral.services.reports)
read from the pre-computed days on PostgreSQL: the period's whole local days from insight_touch_day
(store, campaign, channel, tag) or insight_guide_day (guide, within a store), and the part-days at
its ends live; the rows are the live ones to the unit. A year by channel read live joins a million
touches to their members (0.3-0.55 s at 100,000 members); from the days, a few thousand rows.

Read live instead: by product or product line (not in the days), with a filter the days do not
carry (any but the store's, by guide; a guide's, by anything), on SQLite, before the first refresh,
when the brand's zone is not the days', or when it changes its offset within the period
(insight.days). The leaderboard (ordered by a figure) reads live."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

from insight import days, snapshot
from insight.members import EVERYONE
from referral.services import reports
from referral.services.reports import Dimension, Figures, Filters
from referral.sql import Statement

_TOUCH_FILTERS = frozenset({"store_id", "campaign_id", "channel", "registration_tag"})
# Where each dimension's days are, the column that keys them, and the filters the table carries.
_DAYS = {
    Dimension.STORE: ("insight_touch_day", "store_id", _TOUCH_FILTERS),
    Dimension.CAMPAIGN: ("insight_touch_day", "campaign_id", _TOUCH_FILTERS),
    Dimension.CHANNEL: ("insight_touch_day", "channel", _TOUCH_FILTERS),
    Dimension.REGISTRATION_TAG: ("insight_touch_day", "registration_tag", _TOUCH_FILTERS),
    Dimension.GUIDE: ("insight_guide_day", "guide_id", frozenset({"store_id"})),
}
# Every group of a part-day (a day's touches have a few hundred groups at most).
_ALL = 1_000_000


async def attribution(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    by: Dimension,
    zone: ZoneInfo,
    filters: Filters,
    limit: int,
    offset: int,
    followed: bool,
) -> tuple[list[Figures], datetime | None]:
    """The rows of reports.attribution (ordered by key, NULL last), and when the days they were
    read from were refreshed (None: read live)."""
    reports.check_period(start, end)
    table, column, carried = _DAYS.get(by, ("", "", frozenset()))
    asked = {name for name, value in asdict(filters).items() if value is not None}
    taken = None
    if table and asked <= carried:
        taken = await snapshot.current(brand_id, EVERYONE, zone)
    first, last = days.whole_days(start, end, zone)
    if not taken or first >= last or not days.steady(zone, start, end):
        live = await reports.attribution(
            brand_id=brand_id, start=start, end=end, by=by, **asdict(filters), limit=limit, offset=offset,
            followed=followed,
        )  # fmt: skip
        return live, None
    await reports.check_filters(
        brand_id, guide_id=None, store_id=filters.store_id, registration_tag=filters.registration_tag
    )
    q = Statement()
    rows = await snapshot.rows(
        q,
        f"SELECT d.{column} AS key, {days.sums(followed)} FROM {table} d "
        f"WHERE d.brand_id = {q.p(brand_id)} AND d.day >= {q.p(first)} AND d.day < {q.p(last)}"
        f"{days.where(q, filters)} GROUP BY d.{column}",
    )
    found: dict[str | None, Figures] = {}
    for row in rows:
        key = None if row["key"] is None else str(row["key"])
        found[key] = days.figures(row, key)
    for edge_start, edge_end in days.edges(start, end, zone):
        for part in await reports.grouped(
            brand_id=brand_id, start=edge_start, end=edge_end, by=by, filters=filters, limit=_ALL, followed=followed
        ):
            found[part.key] = days.add(found.get(part.key), part)
    numeric = by in (Dimension.STORE, Dimension.CAMPAIGN, Dimension.GUIDE)
    ordered = sorted(found.values(), key=lambda f: (f.key is None, int(f.key) if numeric and f.key else f.key or ""))
    return ordered[offset : offset + limit], taken.refreshed_at
