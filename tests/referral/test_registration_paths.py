"""A registration's two paths write the same rows: on PostgreSQL one statement (the member, the
guide binding and the touches hung on the conditional UPDATE), and a transaction of a round trip
each (SQLite's path, members.register(stepwise=True)). Two brands set up alike register the same
people, one brand per path, and every row either writes is compared, ids replaced by what they
name: members, guide bindings and touches; and the answers the members got."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from referral.errors import ReferralError
from referral.models import Channel, Gender, IdentityProvider, Member
from referral.services import members
from referral.services.profile_fields import ProfileInput
from referral.sql import Statement
from tests import factories
from tests.conftest import QueryLog

START = datetime(2026, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)
PROFILE = ProfileInput(
    name="Ann Lee",
    phone="+8613812345678",
    phone_consent=True,
    birthday=date(1994, 3, 2),
    baby_due_date=date(2026, 9, 1),
    gender=Gender.FEMALE,
    city=" Shanghai ",
    marketing_consent=True,
)


class World:
    def __init__(self, brand_id: int) -> None:
        self.brand_id = brand_id
        self.people: dict[str, Member] = {}
        self.codes: dict[str, str] = {}
        self.names: dict[str, dict[int, str]] = {}

    def name(self, kind: str, pk: int | None) -> str | None:
        return None if pk is None else self.names[kind][pk]


async def _world(slug: str) -> World:
    brand = await factories.brand(slug)
    world = World(brand.id)
    s1, s2 = await factories.store(brand, "S1"), await factories.store(brand, "S2")
    amy, bob = await factories.guide(brand, s1, f"{slug}-amy"), await factories.guide(brand, s2, f"{slug}-bob")
    world.codes = {"amy": amy.invite_code, "bob": bob.invite_code}
    world.names = {
        "store": {s1.id: "S1", s2.id: "S2"},
        "guide": {amy.id: "amy", bob.id: "bob"},
        "member": {amy.member_id: "amy", bob.member_id: "bob"},
    }
    for label in ("ann", "bea", "cat", "dan", "eve", "fay"):
        member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"{slug}-{label}")
        world.people[label] = member
        world.names["member"][member.id] = label
        world.codes[label] = member.invite_code
    return world


# (who, whose code, channel, campaign tag, profile)
STEPS: list[tuple[str, str | None, Channel | None, str | None, ProfileInput | None]] = [
    ("ann", "amy", None, " spring ", PROFILE),  # a guide's QR, with a profile and a campaign tag
    ("bea", "ann", None, None, None),  # a member's invite: ann refers, ann's guide amy recruits
    ("cat", None, Channel.PRODUCT_SCAN, None, None),  # no code: organic, the channel given
    ("dan", "cat", None, None, None),  # invited by a member with no guide
    ("ann", "bob", None, None, None),  # registered already
    ("eve", "eve", None, None, None),  # her own code
    ("fay", "bob", Channel.EVENT, "x" * 65, None),  # a tag too long
    ("fay", "bob", Channel.EVENT, None, None),  # bob's QR at a store event
]


async def _play(world: World, stepwise: bool) -> list[Any]:
    answers: list[Any] = []
    for n, (who, via, channel, tag, profile) in enumerate(STEPS):
        try:
            member = await members.register(
                brand_id=world.brand_id,
                member_id=world.people[who].id,
                now=START + timedelta(minutes=n),
                code=world.codes[via] if via else None,
                channel=channel,
                campaign=tag,
                profile=profile,
                stepwise=stepwise,
            )
        except ReferralError as exc:
            answers.append((who, exc.code.value, exc.message, exc.field))
            continue
        answers.append((who, _labelled(world, {k: v for k, v in member.__dict__.items() if not k.startswith("_")})))
    return answers


def _labelled(world: World, r: dict[str, Any]) -> tuple[Any, ...]:
    kinds = {"member_id": "member", "referrer_id": "member", "other_member_id": "member", "guide_id": "guide"}
    kinds |= {"origin_guide_id": "guide", "store_id": "store", "origin_store_id": "store"}
    out = []
    for key in sorted(r):
        value = r[key]
        if key in {"id", "brand_id", "invite_code", "created_at"}:
            continue
        if key in kinds:
            value = world.name(kinds[key], value)
        elif hasattr(value, "value"):
            value = value.value
        out.append((key, value))
    return tuple(out)


async def _rows(world: World) -> dict[str, list[Any]]:
    q = Statement()

    async def read(sql: str) -> list[Any]:
        rows = await q.conn.execute_query_dict(sql, [world.brand_id])
        return sorted((_labelled(world, r) for r in rows), key=repr)

    mine = "member_id IN (SELECT id FROM member WHERE brand_id = $1 AND invite_code NOT LIKE 'G%')"
    return {
        "member": await read("SELECT * FROM member WHERE brand_id = $1"),
        "guide_binding": await read(f"SELECT * FROM guide_binding WHERE {mine}"),
        "touch": await read("SELECT * FROM touch WHERE brand_id = $1"),
    }


async def test_the_one_statement_registers_as_the_steps_do(db: str) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    one, two = await _world("one"), await _world("two")
    answers_one, answers_two = await _play(one, stepwise=False), await _play(two, stepwise=True)
    assert answers_one == answers_two
    rows_one, rows_two = await _rows(one), await _rows(two)
    for table in rows_one:
        assert rows_one[table] == rows_two[table], table
    # The scenario does what it says (two empty results would compare equal).
    assert [a[1] for a in answers_one if isinstance(a[1], str)] == [
        "ALREADY_REGISTERED",
        "INVITE_SELF",
        "REGISTRATION_TAG_INVALID",
    ]
    touches = [dict(r) for r in rows_one["touch"]]
    referrals = {
        (t["member_id"], t["other_member_id"], t["guide_id"], t["store_id"]) for t in touches if t["kind"] == "referral"
    }
    assert referrals == {("ann", "bea", "amy", "S1"), ("cat", "dan", None, None)}
    joined = {
        (t["member_id"], t["guide_id"], t["store_id"], t["channel"], t["campaign"])
        for t in touches
        if t["kind"] == "registration"
    }
    assert ("ann", "amy", "S1", "guide_qr", "spring") in joined and ("fay", "bob", "S2", "event", None) in joined
    assert {dict(r)["member_id"] for r in rows_one["guide_binding"]} == {"ann", "bea", "fay"}
    ann = dict(next(r for r in rows_one["member"] if dict(r)["name"] == "Ann Lee"))
    assert (ann["city"], ann["gender"], ann["phone_consent_at"]) == ("Shanghai", "female", START)


async def test_a_registration_writes_in_one_statement_on_postgresql(db: str, query_log: QueryLog) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    world = await _world("one")
    await members.register(
        brand_id=world.brand_id, member_id=world.people["ann"].id, now=START, code=world.codes["amy"]
    )
    query_log.statements.clear()
    await members.register(
        brand_id=world.brand_id, member_id=world.people["bea"].id, now=START, code=world.codes["ann"]
    )
    reads = ["member", "guide"]  # whose code it is, and that member's guide
    assert [s.split(" FROM ", 1)[1].split()[0].strip('"') for s in query_log.statements[:2]] == reads
    assert len(query_log.statements) == 3 and query_log.statements[2].startswith("WITH m AS (UPDATE member")
