"""RFM: each member who bought in the window scored 1-5 on recency (5: bought most lately) and
frequency (purchases net of returns), by quintiles of the brand's buyers (NTILE, ties broken by
member id so both engines agree), and put in a named group with the revenue (net of returns) of its
members. The groups are the usual RFM segmentation, which names them by R and F; first match wins:

  champions            R >= 4 and F >= 4
  loyal                F >= 4
  potential_loyalists  R >= 4 and F >= 2
  new                  R >= 4
  at_risk              R <= 2 and F >= 3
  hibernating          R <= 2
  need_attention       the rest
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from insight import snapshot
from insight.errors import InsightError, InsightErrorCode as Code
from insight.members import EVERYONE, Members
from referral.models import TouchKind
from referral.sql import Statement

MAX_WINDOW = timedelta(days=731)
GROUPS = (
    ("champions", "s.r >= 4 AND s.f >= 4"),
    ("loyal", "s.f >= 4"),
    ("potential_loyalists", "s.r >= 4 AND s.f >= 2"),
    ("new", "s.r >= 4"),
    ("at_risk", "s.r <= 2 AND s.f >= 3"),
    ("hibernating", "s.r <= 2"),
)
OTHERWISE = "need_attention"


@dataclass(frozen=True)
class Group:
    name: str
    members: int
    revenue_cents: int
    as_of: datetime | None = None  # the figures' snapshot (insight.snapshot); None: read live


_SCORES = (
    "SELECT b.member_id, NTILE(5) OVER (ORDER BY b.last, b.member_id) AS r, "
    "NTILE(5) OVER (ORDER BY b.n, b.member_id) AS f, b.revenue FROM ({}) b"
)


def scores_sql(q: Statement, brand_id: int, start: datetime, end: datetime, members: Members) -> str:
    """(member_id, r, f, m, revenue) for every member with purchases net of returns in [start, end)."""
    bought, reversed_ = TouchKind.PURCHASE.value, TouchKind.PURCHASE_REVERSED.value
    return _SCORES.format(
        "SELECT t.member_id, "
        f"MAX(CASE WHEN t.kind = '{bought}' THEN t.occurred_at END) AS last, "
        f"SUM(CASE WHEN t.kind = '{bought}' THEN 1 ELSE -1 END) AS n, SUM(t.amount_cents) AS revenue "
        f"FROM touch t WHERE t.kind IN ('{bought}', '{reversed_}') AND t.occurred_at >= {q.p(start)} "
        f"AND t.occurred_at < {q.p(end)} AND t.brand_id = {q.p(brand_id)}{members.of_touches(q)} "
        f"GROUP BY t.member_id HAVING SUM(CASE WHEN t.kind = '{bought}' THEN 1 ELSE -1 END) > 0"
    )


def snapshot_scores_sql(q: Statement, brand_id: int, start: datetime, end: datetime, members: Members) -> str:
    """The same rows from the brand's snapshot (PostgreSQL): one row per member, not per purchase.
    The figures are taken out of the arrays first, so the three sorts carry four numbers a row, not
    the arrays (which made them spill to disk)."""
    w = snapshot.Window(q, start, end)
    return _SCORES.format(
        f"SELECT s.* FROM (SELECT p.member_id, {w.last()} AS last, {w.net()} AS n, {w.revenue()} AS revenue "
        f"FROM {w.source(brand_id, members)} OFFSET 0) s WHERE s.n > 0"
    )


async def groups(*, brand_id: int, start: datetime, end: datetime, members: Members = EVERYONE) -> list[Group]:
    """Every named group with its members and their revenue in the window, in the order above."""
    if not start < end or end - start > MAX_WINDOW:
        raise InsightError(Code.RANGE_INVALID, "The window must start before it ends and span at most 2 years.", "from")
    q = Statement()
    taken = await snapshot.current(brand_id, members)
    scores = (snapshot_scores_sql if taken else scores_sql)(q, brand_id, start, end, members)
    named = " ".join(f"WHEN {rule} THEN '{name}'" for name, rule in GROUPS)
    sql = (
        f"SELECT CASE {named} ELSE '{OTHERWISE}' END AS name, COUNT(*) AS members, SUM(s.revenue) AS revenue "
        f"FROM ({scores}) s GROUP BY 1"
    )
    rows = await (snapshot.rows(q, sql) if taken else q.rows(sql))
    found = {r["name"]: r for r in rows}
    as_of = taken.refreshed_at if taken else None
    return [
        Group(
            name,
            int(found[name]["members"]) if name in found else 0,
            int(found.get(name, {}).get("revenue") or 0),
            as_of,
        )
        for name in (*(n for n, _ in GROUPS), OTHERWISE)
    ]
