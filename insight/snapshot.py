"""Pre-computed tables on PostgreSQL for the member-level reports (repurchase, RFM, demographics,
cohorts) and the attribution series (insight.series). Counting each member's purchases over a
period reads every purchase of the period (about 600,000 rows for a year of 100,000 members):
250-1,000 ms whatever the SQL. The tables hold one row per member instead, so any period is a binary
search in that row's arrays; and the series reads a few dozen rows a day instead of every touch.

`refresh` rebuilds a brand's tables whole, in one transaction (`scrm refresh-insight`, from cron): a
report reads the old tables or the new ones, never half of each; `tidy` vacuums them after. The
reports read them when they exist and say so (`as_of`, the refresh time); they read the touches
directly (live) on SQLite, before the first refresh, for one campaign's purchases, and for cohorts
after the brand changed time zone.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.transactions import in_transaction

from foundation import replica
from insight.members import Members
from insight.models import Snapshot
from referral.models import TouchKind
from referral.services import reports
from referral.sql import Statement

PURCHASES = f"('{TouchKind.PURCHASE.value}', '{TouchKind.PURCHASE_REVERSED.value}')"
NET = f"CASE WHEN t.kind = '{TouchKind.PURCHASE.value}' THEN 1 ELSE -1 END"

_MEMBERS = f"""
INSERT INTO insight_member_purchases (brand_id, member_id, at, net, cents, bought, total_net, total_cents)
SELECT $1, s.member_id, array_agg(s.occurred_at ORDER BY s.occurred_at, s.id),
    '{{0}}'::INT[] || array_agg(s.net ORDER BY s.occurred_at, s.id),
    '{{0}}'::BIGINT[] || array_agg(s.cents ORDER BY s.occurred_at, s.id),
    COALESCE(array_agg(s.occurred_at ORDER BY s.occurred_at, s.id)
        FILTER (WHERE s.kind = '{TouchKind.PURCHASE.value}'), '{{}}'),
    SUM(s.step), SUM(s.amount_cents)
FROM (SELECT t.id, t.member_id, t.kind, t.occurred_at, t.amount_cents, {NET} AS step,
        SUM({NET}) OVER w AS net, SUM(t.amount_cents) OVER w AS cents
    FROM touch t WHERE t.brand_id = $1 AND t.kind IN {PURCHASES}
    WINDOW w AS (PARTITION BY t.member_id ORDER BY t.occurred_at, t.id)) s
GROUP BY s.member_id
"""

# The cells as insight.cohorts counts them from the touches: a member bought in a month when that
# month's purchases net of returns are positive, bought "again" when they had in an earlier month
# since registering; months in the brand's zone ($2), at most cohorts.MAX_SINCE after registering.
_COHORTS = f"""
WITH reg AS (SELECT m.id, date_trunc('month', m.registered_at AT TIME ZONE $2)::DATE AS c,
        m.origin_store_id, m.guide_id, m.channel
    FROM member m WHERE m.brand_id = $1 AND m.deleted_at IS NULL AND m.registered_at IS NOT NULL),
buys AS (SELECT t.member_id, date_trunc('month', t.occurred_at AT TIME ZONE $2)::DATE AS k,
        SUM({NET}) AS n, SUM(t.amount_cents) AS revenue
    FROM touch t WHERE t.brand_id = $1 AND t.kind IN {PURCHASES} GROUP BY 1, 2),
firsts AS (SELECT b.member_id, MIN(b.k) AS f FROM buys b JOIN reg ON reg.id = b.member_id
    WHERE b.n > 0 AND b.k >= reg.c GROUP BY b.member_id),
cells AS (SELECT reg.c, ((EXTRACT(YEAR FROM b.k) - EXTRACT(YEAR FROM reg.c)) * 12
        + EXTRACT(MONTH FROM b.k) - EXTRACT(MONTH FROM reg.c))::SMALLINT AS since,
        reg.origin_store_id, reg.guide_id, reg.channel, b.n, f.f, b.k, b.revenue
    FROM buys b JOIN reg ON reg.id = b.member_id LEFT JOIN firsts f ON f.member_id = b.member_id
    WHERE b.k >= reg.c)
INSERT INTO insight_cohort_cell (brand_id, month, since, origin_store_id, guide_id, channel, buyers, again, cents)
SELECT $1, c, since, origin_store_id, guide_id, channel, SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN n > 0 AND f < k THEN 1 ELSE 0 END), SUM(revenue)
FROM cells WHERE since <= $3 GROUP BY c, since, origin_store_id, guide_id, channel
UNION ALL SELECT $1, c, -1, origin_store_id, guide_id, channel, COUNT(*), 0, 0
FROM reg GROUP BY c, origin_store_id, guide_id, channel
"""


def _days_sql(table: str, keys: dict[str, str], join: str = "") -> str:
    """The attribution figures (referral's own SELECT list) per local day ($2: the zone) and `keys`
    (column: its expression over `touch t`, or `member m` through `join`)."""
    figures = reports.figures_sql(Statement(), followed=True)
    names = ", ".join(reports.FIGURE_NAMES)
    groups = ", ".join(str(n) for n in range(2, len(keys) + 3))
    return (
        f"INSERT INTO {table} (brand_id, day, {', '.join(keys)}, {names}) "
        f"SELECT CAST($1 AS INT), (t.occurred_at AT TIME ZONE $2)::DATE, {', '.join(keys.values())}, {figures} "
        f"FROM touch t {join} WHERE t.brand_id = $1 GROUP BY {groups}"
    )


# What the series and attribution filter and group by: store, campaign, the member's channel and
# registration tag; and guide within store (attribution by guide, for HQ or one store).
_DAY_TABLES: dict[str, tuple[dict[str, str], str]] = {
    "insight_touch_day": (
        {
            "store_id": "t.store_id",
            "campaign_id": "t.campaign_id",
            "channel": "m.channel",
            "registration_tag": "m.registration_tag",
        },
        "JOIN member m ON m.id = t.member_id",
    ),  # fmt: skip
    "insight_guide_day": ({"guide_id": "t.guide_id", "store_id": "t.store_id"}, ""),
}


def postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def refresh(*, brand_id: int, zone: ZoneInfo, now: datetime, max_since: int) -> Snapshot | None:
    """Rebuild the brand's tables from its touches and members; None on SQLite (nothing to build)."""
    if not postgres():
        return None
    started = time.perf_counter()
    async with in_transaction() as conn:
        # Two refreshes of one brand at once would both insert its rows: the second waits.
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext('insight_snapshot'), $1)", [brand_id])
        await conn.execute_query("DELETE FROM insight_member_purchases WHERE brand_id = $1", [brand_id])
        await conn.execute_query(_MEMBERS, [brand_id])
        # Counted, not read from the INSERT: tortoise takes the oid of the command tag for the count.
        _, counted = await conn.execute_query(
            "SELECT COUNT(*) AS n FROM insight_member_purchases WHERE brand_id = $1", [brand_id]
        )
        buyers = int(counted[0]["n"])
        await conn.execute_query("DELETE FROM insight_cohort_cell WHERE brand_id = $1", [brand_id])
        await conn.execute_query(_COHORTS, [brand_id, zone.key, max_since])
        for table, (keys, join) in _DAY_TABLES.items():
            await conn.execute_query(f"DELETE FROM {table} WHERE brand_id = $1", [brand_id])
            await conn.execute_query(_days_sql(table, keys, join), [brand_id, zone.key])
        took = round((time.perf_counter() - started) * 1000)
        await conn.execute_query(
            "INSERT INTO insight_snapshot (brand_id, refreshed_at, zone, buyers, took_ms) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (brand_id) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, zone = EXCLUDED.zone, "
            "buyers = EXCLUDED.buyers, took_ms = EXCLUDED.took_ms",
            [brand_id, now, zone.key, buyers, took],
        )
    return await Snapshot.get(brand_id=brand_id)


async def tidy() -> None:
    """After refreshes (once for all the brands refreshed): each leaves its brand's old rows dead, and
    a scan would read twice the pages until autovacuum came by (repurchase over a year of 100,000
    members: 167 ms, 92 ms after VACUUM). Outside a transaction, as VACUUM must be."""
    if postgres():
        await connections.get("default").execute_script(
            "VACUUM (ANALYZE) insight_member_purchases, insight_cohort_cell, insight_touch_day, insight_guide_day"
        )


async def current(brand_id: int, members: Members, zone: ZoneInfo | None = None) -> Snapshot | None:
    """The brand's snapshot when a report of `members` may read it: on PostgreSQL, refreshed at least
    once, for every purchase (the tables do not split them by campaign) and, for a report cut in the
    brand's calendar (`zone`), cut in that zone (a brand that changed zone reads live until refreshed)."""
    if not postgres() or members.campaign_id is not None:
        return None
    # From where the report reads its tables (a replica's refresh may trail the primary's).
    taken = await Snapshot.filter(brand_id=brand_id).using_db(replica.connection()).first()
    return None if taken is None or (zone is not None and taken.zone != zone.key) else taken


class Window:
    """Figures of [start, end) over members' rows of insight_member_purchases, as `p`: `source` is the
    FROM text, the other methods are expressions over its rows. Each row's positions are found once
    (binary searches: width_bucket counts the elements at or before its operand; times are kept to
    the microsecond) and every figure is a difference of running sums at those positions."""

    def __init__(self, q: Statement, start: datetime, end: datetime, since: datetime | None = None) -> None:
        self.q = q
        self.start, self.end, self.since = start, end, since

    def _before(self, instant: datetime, array: str) -> str:
        return f"width_bucket({self.q.typed(instant - timedelta(microseconds=1), 'timestamptz')}, p.{array})"

    def source(self, brand_id: int, members: Members) -> str:
        """The brand's rows (of `members`) with their positions: a, b in `at` before start and end,
        pa, pb in `bought`, l in `at` before `since`. OFFSET 0 keeps each search done once a row."""
        q = self.q
        positions = (
            f"{self._before(self.start, 'at')} AS a, {self._before(self.end, 'at')} AS b, "
            f"{self._before(self.start, 'bought')} AS pa, {self._before(self.end, 'bought')} AS pb"
        )
        if self.since is not None:
            positions += f", {self._before(self.since, 'at')} AS l"
        narrowed = members.where(q, "m")
        join = " JOIN member m ON m.id = p.member_id" if narrowed else ""
        return (
            f"(SELECT p.*, {positions} FROM insight_member_purchases p{join} "
            f"WHERE p.brand_id = {q.p(brand_id)}{narrowed} OFFSET 0) p"
        )

    @staticmethod
    def net(since: bool = False) -> str:
        """Purchases net of returns in [start (or since), end)."""
        return f"(p.net[p.b + 1] - p.net[p.{'l' if since else 'a'} + 1])"

    @staticmethod
    def revenue() -> str:
        return "(p.cents[p.b + 1] - p.cents[p.a + 1])"

    @staticmethod
    def purchases() -> str:
        """Purchases (not net) in the window."""
        return "(p.pb - p.pa)"

    @staticmethod
    def first() -> str:
        """The window's first purchase (NULL if none)."""
        return "p.bought[p.pa + 1]"

    @staticmethod
    def last() -> str:
        """The window's last purchase (NULL if none)."""
        return "CASE WHEN p.pb > p.pa THEN p.bought[p.pb] END"


async def rows(q: Statement, sql: str) -> list[dict[str, Any]]:
    """Run a report's statement over the tables as the reports run theirs, with room to sort 100,000
    members in memory (at the default 4 MB, RFM's sorts spilled to disk)."""
    return await reports.rows_of(q, sql, work_mem="32MB")
