"""HQ attribution: figures per guide, store, channel, campaign rule or registration tag for a period;
leaderboard; funnel.

All figures come from the touch timeline, where each touch carries the guide and store bound
when it happened (attribution.py), so a report for last March stays what it was after members
change guide. A touch credited to a guide carries that guide's store. A member's channel and
registration tag are how they registered: every touch of theirs counts under them. A campaign
rule is credited with the coupons it issued, their write-offs and the purchases it rewarded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from foundation import replica
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Channel, Guide, Member, Store
from referral.services.profiles import STAGE_SQL, Stage
from referral.sql import Statement


class Dimension(StrEnum):
    GUIDE = "guide"
    STORE = "store"
    CHANNEL = "channel"
    CAMPAIGN = "campaign"
    REGISTRATION_TAG = "registration_tag"
    PRODUCT = "product"
    PRODUCT_LINE = "product_line"


# Dimensions whose keys are text as stored, not the id of a row (a tag, a SKU, a product line).
TEXT_KEYS = frozenset({Dimension.REGISTRATION_TAG, Dimension.PRODUCT, Dimension.PRODUCT_LINE})


class Metric(StrEnum):
    NEW_MEMBERS = "new_members"
    REFERRED_MEMBERS = "referred_members"
    PURCHASES = "purchases"
    REVENUE_CENTS = "revenue_cents"
    COUPONS_WRITTEN_OFF = "coupons_written_off"
    EVENTS_ATTENDED = "events_attended"
    TASKS_DONE = "tasks_done"
    TASKS_FOLLOWED_BY_PURCHASE = "tasks_followed_by_purchase"


_KEYS = {
    Dimension.GUIDE: "t.guide_id",
    Dimension.STORE: "t.store_id",
    Dimension.CHANNEL: "m.channel",
    Dimension.CAMPAIGN: "t.campaign_id",
    Dimension.REGISTRATION_TAG: "m.registration_tag",
    Dimension.PRODUCT: "t.product",
    Dimension.PRODUCT_LINE: "t.product_line",
}
_MEMBER_DIMENSIONS = (Dimension.CHANNEL, Dimension.REGISTRATION_TAG)
MAX_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class Figures:
    key: str | None
    new_members: int
    referred_members: int
    purchases: int
    revenue_cents: int
    coupons_issued: int
    coupons_written_off: int
    event_sign_ups: int
    events_attended: int
    tasks_done: int
    tasks_followed_by_purchase: int


# A task done is followed by a purchase when the member bought within this many days after it.
FOLLOW_DAYS = 14


def figures_sql(q: Statement, *, followed: bool = True) -> str:
    """The figures' SELECT list over `touch t` (no parameters of its own). `followed=False` leaves
    tasks_followed_by_purchase at 0: its correlated subquery keeps PostgreSQL from aggregating in
    parallel (2.3x slower over a year of 1,000,000 touches), so a report that is not asked for it
    does not pay for it."""
    if not followed:
        return f"{_FIGURES}, 0 AS tasks_followed_by_purchase"
    followed_sql = (
        "EXISTS (SELECT 1 FROM touch f WHERE f.member_id = t.member_id AND f.kind = 'purchase' "
        f"AND f.occurred_at > t.occurred_at AND {q.within_days('f.occurred_at', 't.occurred_at', FOLLOW_DAYS)})"
    )
    return f"""{_FIGURES},
    SUM(CASE WHEN t.kind = 'task_done' AND {followed_sql} THEN 1 ELSE 0 END) AS tasks_followed_by_purchase"""


_FIGURES = """
    SUM(CASE WHEN t.kind = 'registration' THEN 1 ELSE 0 END) AS new_members,
    SUM(CASE WHEN t.kind = 'registration' AND t.other_member_id IS NOT NULL THEN 1 ELSE 0 END) AS referred_members,
    SUM(CASE WHEN t.kind = 'purchase' THEN 1 WHEN t.kind = 'purchase_reversed' THEN -1 ELSE 0 END) AS purchases,
    SUM(CASE WHEN t.kind IN ('purchase', 'purchase_reversed') THEN t.amount_cents ELSE 0 END) AS revenue_cents,
    SUM(CASE WHEN t.kind = 'coupon_issued' THEN 1 ELSE 0 END) AS coupons_issued,
    SUM(CASE WHEN t.kind = 'coupon_written_off' THEN 1 ELSE 0 END) AS coupons_written_off,
    SUM(CASE WHEN t.kind = 'event_sign_up' THEN 1 ELSE 0 END) AS event_sign_ups,
    SUM(CASE WHEN t.kind = 'event_check_in' THEN 1 ELSE 0 END) AS events_attended,
    SUM(CASE WHEN t.kind = 'task_done' THEN 1 ELSE 0 END) AS tasks_done
"""


async def rows_of(q: Statement, sql: str, *, work_mem: str | None = None) -> list[dict[str, Any]]:
    """A report's statement; `work_mem` (PostgreSQL, e.g. "32MB") gives its sorts and hashes room."""
    if not q.postgres:
        return await q.rows(sql)
    async with replica.transaction() as conn:
        if work_mem is not None:
            await conn.execute_query("SELECT set_config('work_mem', $1, true)", [work_mem])
        # A prepared statement soon gets PostgreSQL's generic plan, which cannot judge a
        # parameterised time range: measured 180 ms against 57 ms planned for the actual dates.
        await conn.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        # The "followed by a purchase" subquery is costed per touch, which crosses JIT's threshold:
        # compiling took 200 ms of a 250 ms report whose subquery never ran (it runs per task done).
        await conn.execute_script("SET LOCAL jit = off")
        return await conn.execute_query_dict(sql, q.params)


async def check_filters(
    brand_id: int, *, guide_id: int | None, store_id: int | None, registration_tag: str | None
) -> None:
    if guide_id is not None and not await Guide.exists(id=guide_id, brand_id=brand_id):
        raise ReferralError(Code.GUIDE_NOT_FOUND, "No such guide.", "guide_id")
    if store_id is not None and not await Store.exists(id=store_id, brand_id=brand_id):
        raise ReferralError(Code.STORE_NOT_FOUND, "No such store.", "store_id")
    if registration_tag is not None and not await Member.exists(brand_id=brand_id, registration_tag=registration_tag):
        raise ReferralError(Code.REGISTRATION_TAG_UNKNOWN, "No member registered with this tag.", "registration_tag")


def check_period(start: datetime, end: datetime) -> None:
    if not start < end or end - start > MAX_PERIOD:
        raise ReferralError(
            Code.PERIOD_INVALID, "The period must start before it ends and span at most 366 days.", "from"
        )


@dataclass(frozen=True)
class Filters:
    """What narrows the touches a report counts (each None: no narrowing)."""

    guide_id: int | None = None
    store_id: int | None = None
    channel: Channel | None = None
    campaign_id: int | None = None
    registration_tag: str | None = None

    @property
    def by_member(self) -> bool:
        """Whether a filter reads the member row (`m`)."""
        return self.channel is not None or self.registration_tag is not None


def touch_where(q: Statement, brand_id: int, start: datetime, end: datetime, filters: Filters) -> str:
    """The WHERE over `touch t` (and `member m` when filters.by_member) for a period and filters."""
    where = [f"t.brand_id = {q.p(brand_id)}", f"t.occurred_at >= {q.p(start)}", f"t.occurred_at < {q.p(end)}"]
    for column, value in (
        ("t.guide_id", filters.guide_id),
        ("t.store_id", filters.store_id),
        ("m.channel", filters.channel.value if filters.channel else None),
        ("t.campaign_id", filters.campaign_id),
        ("m.registration_tag", filters.registration_tag),
    ):
        if value is not None:
            where.append(f"{column} = {q.p(value)}")
    return " AND ".join(where)


async def attribution(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    by: Dimension,
    guide_id: int | None = None,
    store_id: int | None = None,
    channel: Channel | None = None,
    campaign_id: int | None = None,
    registration_tag: str | None = None,
    limit: int = 100,
    offset: int = 0,
    order_by: Metric | None = None,
    followed: bool = True,
) -> list[Figures]:
    """Figures for [start, end) grouped by one dimension, optionally filtered; raises PERIOD_INVALID,
    GUIDE_NOT_FOUND, STORE_NOT_FOUND or REGISTRATION_TAG_UNKNOWN (a filter naming nothing is an error,
    not an empty report). The caller checks that a campaign id names one of the brand's rules."""
    check_period(start, end)
    await check_filters(brand_id, guide_id=guide_id, store_id=store_id, registration_tag=registration_tag)
    filters = Filters(guide_id, store_id, channel, campaign_id, registration_tag)
    return await grouped(
        brand_id=brand_id, start=start, end=end, by=by, filters=filters, limit=limit, offset=offset,
        order_by=order_by, followed=followed,
    )  # fmt: skip


async def grouped(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    by: Dimension,
    filters: Filters,
    limit: int,
    offset: int = 0,
    order_by: Metric | None = None,
    followed: bool = True,
) -> list[Figures]:
    """The rows of `attribution`, with no check of the arguments: for a caller that has made them
    (`attribution`, or insight.attribution for a period's part-days)."""
    q = Statement()
    # The member row is read only when a member's attribute is asked for: joining 100k members
    # into every report cost ten times the report itself.
    join = "JOIN member m ON m.id = t.member_id" if by in _MEMBER_DIMENSIONS or filters.by_member else ""
    where = touch_where(q, brand_id, start, end, filters)
    key = _KEYS[by]
    # Grouping keys are ids or short strings; ordering by a figure serves the leaderboard.
    # NULL (unattributed) last on both engines: SQLite sorts NULL first, PostgreSQL last.
    order = f"({key}) IS NULL, {key}"
    if order_by:
        order = f"{order_by.value} DESC, {order}"
    sql = f"""
        SELECT {key} AS key, {figures_sql(q, followed=followed or order_by is Metric.TASKS_FOLLOWED_BY_PURCHASE)}
        FROM touch t {join}
        WHERE {where}
        GROUP BY {key}
        ORDER BY {order}
        LIMIT {q.p(limit)} OFFSET {q.p(offset)}
    """
    return [
        Figures(key=None if r["key"] is None else str(r["key"]), **{k: int(r[k] or 0) for k in _FIELDS})
        for r in await rows_of(q, sql)
    ]


_FIELDS = [f for f in Figures.__dataclass_fields__ if f != "key"]
FIGURE_NAMES = tuple(_FIELDS)


async def attribution_pages(*, page: int = 1000, **report: Any) -> AsyncIterator[list[Figures]]:
    """Every row of an attribution report (the arguments of `attribution`), a page at a time: for
    exports, which must hold neither the whole report nor a connection while the client reads."""
    offset = 0
    while rows := await attribution(**report, limit=page, offset=offset):
        yield rows
        if len(rows) < page:
            return
        offset += page


async def leaderboard(
    *, brand_id: int, start: datetime, end: datetime, metric: Metric, limit: int = 20, followed: bool = True
) -> list[Figures]:
    """Guides ranked by one figure for the period (ties by guide id)."""
    rows = await attribution(
        brand_id=brand_id,
        start=start,
        end=end,
        by=Dimension.GUIDE,
        order_by=metric,
        limit=limit + 1,
        followed=followed,
    )
    return [r for r in rows if r.key is not None][:limit]


async def funnel(
    *, brand_id: int, store_id: int | None = None, purchases: Callable[[Statement], str] | None = None
) -> dict[Stage, int]:
    """How many members are at each journey stage now (erased members are no longer counted).
    `purchases` writes another source of each member's purchases net of returns (member_id, n):
    pre-computed ones, say; by default every purchase touch of the brand is counted."""
    q = Statement()
    net = (
        purchases(q)
        if purchases
        else f"""SELECT member_id,
                   SUM(CASE WHEN kind = 'purchase' THEN 1 WHEN kind = 'purchase_reversed' THEN -1 ELSE 0 END) AS n
            FROM touch WHERE brand_id = {q.p(brand_id)} GROUP BY member_id"""
    )
    sql = f"""
        WITH p AS ({net}), r AS (
            SELECT referrer_id, COUNT(*) AS n FROM member
            WHERE brand_id = {q.p(brand_id)} AND referrer_id IS NOT NULL AND registered_at IS NOT NULL
            GROUP BY referrer_id
        )
        SELECT {STAGE_SQL} AS stage, COUNT(*) AS n
        FROM member m LEFT JOIN p ON p.member_id = m.id LEFT JOIN r ON r.referrer_id = m.id
        WHERE m.brand_id = {q.p(brand_id)} AND m.deleted_at IS NULL
              {f"AND m.origin_store_id = {q.p(store_id)}" if store_id is not None else ""}
        GROUP BY 1
    """
    counts = {stage: 0 for stage in Stage}
    for row in await rows_of(q, sql):
        counts[Stage(row["stage"])] = int(row["n"])
    return counts
