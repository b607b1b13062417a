"""Referral chains stay a forest, and reading them costs the same few queries at any depth."""

import asyncio

import pytest

from referral.errors import ReferralError
from referral.models import Member
from referral.services import chains, members
from schema import ids
from tests import factories

ANCESTORS = "query($m: ID!) { ancestors(memberId: $m) { depth member { id } } }"
DESCENDANTS = """query($g: ID!, $first: Int!, $offset: Int!) {
  descendants(guideId: $g, first: $first, offset: $offset) { total links { depth member { id referrer { id } guide { id } } } }
}"""


async def chain(brand, guide, length: int, prefix: str, now) -> list[Member]:
    """guide -> m0 -> m1 -> ... : each member registers with the previous one's invite code."""
    out: list[Member] = []
    code = guide.invite_code
    for i in range(length):
        member = await factories.member(brand, f"{prefix}-{i}")
        member = await members.register(brand_id=brand.id, member_id=member.id, code=code, now=now)
        out.append(member)
        code = member.invite_code
    return out


@pytest.fixture
async def forest(db, settings, clock):
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "g")
    line = await chain(brand, guide, 6, "line", clock.now)
    # A branch: two friends of m1.
    branch = []
    for name in ("b1", "b2"):
        m = await factories.member(brand, name)
        branch.append(
            await members.register(brand_id=brand.id, member_id=m.id, code=line[1].invite_code, now=clock.now)
        )
    hq = factories.staff_token(settings, await factories.staff(brand))
    return brand, guide, line, branch, hq


async def test_ancestors_are_nearest_first(client, forest) -> None:
    _, _, line, _, hq = forest
    data = await client.ok(ANCESTORS, {"m": ids.encode("Member", line[5].id)}, token=hq)
    assert [(a["depth"], a["member"]["id"]) for a in data["ancestors"]] == [
        (d, ids.encode("Member", line[5 - d].id)) for d in range(1, 6)
    ]


async def test_descendants_of_a_member_and_of_a_guide_carry_depth(forest) -> None:
    brand, guide, line, branch, _ = forest
    below_m1 = await chains.descendants_of_member(brand_id=brand.id, member_id=line[1].id)
    assert below_m1.total == 6
    assert {(link.member.id, link.depth) for link in below_m1.links} == (
        {(line[i].id, i - 1) for i in range(2, 6)} | {(b.id, 1) for b in branch}
    )
    of_guide = await chains.descendants_of_guide(brand_id=brand.id, guide_id=guide.id)
    assert of_guide.total == 8 and {link.depth for link in of_guide.links if link.member.id == line[0].id} == {1}
    # Invited members are credited to the inviter's guide all the way down.
    assert all(link.member.guide_id == guide.id for link in of_guide.links)
    # Pages walk the tree nearest first, each member once.
    pages = [
        await chains.descendants_of_guide(brand_id=brand.id, guide_id=guide.id, limit=3, offset=o) for o in (0, 3, 6)
    ]
    walked = [(link.depth, link.member.id) for p in pages for link in p.links]
    assert walked == sorted(walked) and len({m for _, m in walked}) == 8


async def test_chain_reads_cost_the_same_queries_at_depth_3_and_12(client, db, settings, clock, query_log) -> None:
    brand = await factories.brand("acme")
    guide = await factories.guide(brand, await factories.store(brand), "g")
    hq = factories.staff_token(settings, await factories.staff(brand))
    shallow = await chain(brand, guide, 3, "s", clock.now)
    deep = await chain(brand, guide, 12, "d", clock.now)
    counts = []
    for tip in (shallow[-1], deep[-1]):
        query_log.statements.clear()
        data = await client.ok(ANCESTORS, {"m": ids.encode("Member", tip.id)}, token=hq)
        counts.append(len(query_log.statements))
    assert len(data["ancestors"]) == 11
    assert counts[0] == counts[1] <= 2, query_log.statements
    query_log.statements.clear()
    data = await client.ok(DESCENDANTS, {"g": ids.encode("Guide", guide.id), "first": 100, "offset": 0}, token=hq)
    assert data["descendants"]["total"] == 15 and len(data["descendants"]["links"]) == 15
    assert len(query_log.statements) <= 4, query_log.statements


async def test_concurrent_invitations_never_make_a_cycle_or_a_second_referrer(db, clock) -> None:
    brand = await factories.brand("acme")
    guide = await factories.guide(brand, await factories.store(brand), "g")
    seed = await chain(brand, guide, 1, "seed", clock.now)
    people = [await factories.member(brand, f"p{i}") for i in range(12)]
    codes = [seed[0].invite_code] + [p.invite_code for p in people]

    async def attempt(person: Member, code: str) -> None:
        try:
            await members.register(brand_id=brand.id, member_id=person.id, code=code, now=clock.now)
        except ReferralError:
            pass

    # Everyone tries every code at once: each other's (would-be cycles), their own, and the seed's.
    await asyncio.gather(*(attempt(p, c) for p in people for c in codes))

    rows = {m.id: m for m in await Member.filter(brand_id=brand.id)}
    for member in rows.values():
        seen, cursor = set(), member
        while cursor.referrer_id is not None:
            assert cursor.id not in seen, "cycle"
            seen.add(cursor.id)
            cursor = rows[cursor.referrer_id]
        assert member.referrer_id != member.id
    registered = [p for p in people if rows[p.id].registered_at is not None]
    assert len(registered) == len(people)  # the seed's code always works, so everyone got in once
