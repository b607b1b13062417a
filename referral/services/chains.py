"""Referral chains, read with recursive CTEs over Member.referrer.

Why an adjacency list and CTEs, not a closure table or materialised path: a member's referrer is
written once, at registration (and re-pointed only by a merge), so the only state to keep right
is one column, which the foreign key and the registration guard protect. A closure table or a
path would be a second copy of the tree to keep in step. Each read below is one SQL statement
(walk, join and page together), whatever the depth.
"""

from __future__ import annotations

from dataclasses import dataclass

from referral.models import Member
from referral.sql import Statement

# Guards against a corrupted (cyclic) graph turning a read into an endless walk.
MAX_DEPTH = 1000
MAX_PAGE = 500

_ANCESTORS = """
WITH RECURSIVE up(id, referrer_id, depth) AS (
    SELECT id, referrer_id, 0 FROM member WHERE id = {p1} AND brand_id = {p2}
    UNION ALL
    SELECT m.id, m.referrer_id, up.depth + 1 FROM member m JOIN up ON m.id = up.referrer_id
    WHERE up.depth < {max_depth}
)
SELECT m.*, up.depth AS chain_depth, 0 AS chain_total FROM up JOIN member m ON m.id = up.id
WHERE up.depth > 0 ORDER BY up.depth
"""

_DESCENDANTS = """
WITH RECURSIVE down(id, depth) AS (
    SELECT id, 1 FROM member WHERE {seed} AND brand_id = {p2}
    UNION ALL
    SELECT m.id, down.depth + 1 FROM member m JOIN down ON m.referrer_id = down.id
    WHERE down.depth < {max_depth}
)
SELECT m.*, down.depth AS chain_depth, COUNT(*) OVER () AS chain_total FROM down JOIN member m ON m.id = down.id
ORDER BY down.depth, m.id LIMIT {p3} OFFSET {p4}
"""

_MEMBER_SEED = "referrer_id = {p1}"
# A guide's tree starts at the members the guide recruited directly (not through another member).
_GUIDE_SEED = "origin_guide_id = {p1} AND referrer_id IS NULL AND registered_at IS NOT NULL"


@dataclass(frozen=True)
class Link:
    member: Member
    depth: int


@dataclass(frozen=True)
class Page:
    links: list[Link]
    total: int


async def _walk(template: str, seed: str, params: list[object]) -> tuple[list[Link], int]:
    q = Statement()
    # Both templates name the anchor, then the brand, then (descendants) limit and offset.
    marks = dict(zip(("p1", "p2", "p3", "p4"), (q.p(value) for value in params), strict=False))
    sql = template.format(seed=seed.format(p1=marks["p1"]), max_depth=MAX_DEPTH, **marks)
    rows = await q.rows(sql)
    links = []
    for row in rows:
        depth, total = int(row.pop("chain_depth")), int(row.pop("chain_total"))
        links.append(Link(Member._init_from_db(**row), depth))
    return links, (total if rows else 0)


async def ancestors(*, brand_id: int, member_id: int) -> list[Link]:
    """Who brought this member, then who brought them, up to the member a guide recruited (depth 1 = referrer)."""
    links, _ = await _walk(_ANCESTORS, "", [member_id, brand_id])
    return links


async def descendants_of_member(*, brand_id: int, member_id: int, limit: int = 100, offset: int = 0) -> Page:
    """Everyone this member brought, directly (depth 1) or through others, nearest first."""
    links, total = await _walk(_DESCENDANTS, _MEMBER_SEED, [member_id, brand_id, limit, offset])
    return Page(links, total)


async def descendants_of_guide(*, brand_id: int, guide_id: int, limit: int = 100, offset: int = 0) -> Page:
    """The guide's tree: members they recruited (depth 1) and everyone those members brought."""
    links, total = await _walk(_DESCENDANTS, _GUIDE_SEED, [guide_id, brand_id, limit, offset])
    return Page(links, total)
