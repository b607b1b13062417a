"""RFM: each member who bought in the window scored 1-5 on recency (5: bought most lately),
frequency (purchases net of returns) and monetary value (revenue net of returns), by quintiles of
the brand's buyers (NTILE, ties broken by member id so both engines agree), and put in a named group.
The groups are the usual RFM segmentation, first match wins:

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


def scores_sql(q: Statement, brand_id: int, start: datetime, end: datetime, members: Members) -> str:
    """(member_id, r, f, m, revenue) for every member with purchases net of returns in [start, end)."""
    bought, reversed_ = TouchKind.PURCHASE.value, TouchKind.PURCHASE_REVERSED.value
    return (
        "SELECT b.member_id, NTILE(5) OVER (ORDER BY b.last, b.member_id) AS r, "
        "NTILE(5) OVER (ORDER BY b.n, b.member_id) AS f, NTILE(5) OVER (ORDER BY b.revenue, b.member_id) AS m, "
        "b.revenue FROM (SELECT t.member_id, "
        f"MAX(CASE WHEN t.kind = '{bought}' THEN t.occurred_at END) AS last, "
        f"SUM(CASE WHEN t.kind = '{bought}' THEN 1 ELSE -1 END) AS n, SUM(t.amount_cents) AS revenue "
        f"FROM touch t WHERE t.kind IN ('{bought}', '{reversed_}') AND t.occurred_at >= {q.p(start)} "
        f"AND t.occurred_at < {q.p(end)} AND t.brand_id = {q.p(brand_id)}{members.of_touches(q)} "
        f"GROUP BY t.member_id HAVING SUM(CASE WHEN t.kind = '{bought}' THEN 1 ELSE -1 END) > 0) b"
    )


async def groups(*, brand_id: int, start: datetime, end: datetime, members: Members = EVERYONE) -> list[Group]:
    """Every named group with its members and their revenue in the window, in the order above."""
    if not start < end or end - start > MAX_WINDOW:
        raise InsightError(Code.RANGE_INVALID, "The window must start before it ends and span at most 2 years.", "from")
    q = Statement()
    named = " ".join(f"WHEN {rule} THEN '{name}'" for name, rule in GROUPS)
    rows = await q.rows(
        f"SELECT CASE {named} ELSE '{OTHERWISE}' END AS name, COUNT(*) AS members, SUM(s.revenue) AS revenue "
        f"FROM ({scores_sql(q, brand_id, start, end, members)}) s GROUP BY 1"
    )
    found = {r["name"]: r for r in rows}
    return [
        Group(name, int(found[name]["members"]) if name in found else 0, int(found.get(name, {}).get("revenue") or 0))
        for name in (*(n for n, _ in GROUPS), OTHERWISE)
    ]
