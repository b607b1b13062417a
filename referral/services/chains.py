"""Referral chains, read with recursive CTEs over Member.referrer.

Why an adjacency list and CTEs, not a closure table or materialised path: a member's referrer is
written once, at registration, so the only state to keep right is one column, which the
foreign key and the registration guard protect. A closure table or a path would be a second copy
of the tree to keep in step (on merges and erasures too). Each read below is one SQL statement
for the tree walk, plus one to load the rows, whatever the depth.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections

from referral.models import Member

# Guards against a corrupted (cyclic) graph turning a read into an endless walk.
MAX_DEPTH = 1000

_ANCESTORS = """
WITH RECURSIVE up(id, referrer_id, depth) AS (
    SELECT id, referrer_id, 0 FROM member WHERE id = {p1} AND brand_id = {p2}
    UNION ALL
    SELECT m.id, m.referrer_id, up.depth + 1 FROM member m JOIN up ON m.id = up.referrer_id
    WHERE up.depth < {max_depth}
)
SELECT id, depth FROM up WHERE depth > 0 ORDER BY depth
"""

_DESCENDANTS = """
WITH RECURSIVE down(id, depth) AS (
    SELECT id, 1 FROM member WHERE {seed} AND brand_id = {p2}
    UNION ALL
    SELECT m.id, down.depth + 1 FROM member m JOIN down ON m.referrer_id = down.id
    WHERE down.depth < {max_depth}
)
SELECT id, depth FROM down ORDER BY depth, id
"""

_MEMBER_SEED = "referrer_id = {p1}"
# A guide's tree starts at the members the guide recruited directly (not through another member).
_GUIDE_SEED = "origin_guide_id = {p1} AND referrer_id IS NULL AND registered_at IS NOT NULL"


@dataclass(frozen=True)
class Link:
    member: Member
    depth: int


async def _walk(template: str, seed: str, anchor_id: int, brand_id: int) -> list[tuple[int, int]]:
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    p1, p2 = ("$1", "$2") if postgres else ("?", "?")
    sql = template.format(seed=seed.format(p1=p1), p1=p1, p2=p2, max_depth=MAX_DEPTH)
    # Both templates name the anchor before the brand, so SQLite's positional "?" binds alike.
    rows = await conn.execute_query_dict(sql, [anchor_id, brand_id])
    return [(int(r["id"]), int(r["depth"])) for r in rows]


async def _load(pairs: list[tuple[int, int]]) -> list[Link]:
    members = {m.id: m for m in await Member.filter(id__in=[i for i, _ in pairs])} if pairs else {}
    return [Link(members[i], d) for i, d in pairs if i in members]


async def ancestors(*, brand_id: int, member_id: int) -> list[Link]:
    """Who brought this member, then who brought them, up to the member a guide recruited (depth 1 = referrer)."""
    return await _load(await _walk(_ANCESTORS, "", member_id, brand_id))


async def descendants_of_member(*, brand_id: int, member_id: int) -> list[Link]:
    """Everyone this member brought, directly (depth 1) or through others."""
    return await _load(await _walk(_DESCENDANTS, _MEMBER_SEED, member_id, brand_id))


async def descendants_of_guide(*, brand_id: int, guide_id: int) -> list[Link]:
    """The guide's tree: members they recruited (depth 1) and everyone those members brought."""
    return await _load(await _walk(_DESCENDANTS, _GUIDE_SEED, guide_id, brand_id))
