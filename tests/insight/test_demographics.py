"""Demographics count exactly on a known cast, on both engines: each trait's groups, members versus
buyers (purchases net of returns) and their revenue; bands cut on the right birthday; erased and
unregistered members left out; a store manager's view is their store's registrations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from insight.demographics import Row, Trait, demographics
from insight.members import Members
from referral.models import Channel, Gender, Member, TouchKind
from referral.services import members, touches
from tests import factories
from tests.insight.shops import two_shops

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 2, tzinfo=UTC)


@pytest.fixture
async def cast(db):
    brand, a, b, ga, gb = await two_shops()
    people = {}
    for name, guide, fields in (
        (
            "p1",
            ga,
            dict(
                gender=Gender.FEMALE,
                birthday=date(1990, 6, 1),
                city="上海",
                locale="zh-Hans",
                baby_birth_date=date(2026, 1, 15),
            ),
        ),
        # 25 tomorrow: still under 25; the baby is 6 months today.
        (
            "p2",
            ga,
            dict(gender=Gender.FEMALE, birthday=date(2001, 6, 2), city="北京", baby_birth_date=date(2025, 12, 1)),
        ),
        # 25 today; expecting.
        ("p3", gb, dict(gender=Gender.MALE, birthday=date(2001, 6, 1), city="上海", baby_due_date=date(2026, 9, 1))),
        ("p4", gb, {}),
        ("p5", ga, dict(gender=Gender.FEMALE, city="上海")),
    ):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=NOW, code=guide.invite_code)
        if fields:
            await Member.filter(id=m.id).update(**fields)
        people[name] = m
    await Member.filter(id=people["p5"].id).update(deleted_at=NOW)  # erased: not counted
    await factories.member(brand, "never-registered")

    async def touch(name: str, kind: TouchKind, cents: int) -> None:
        await touches.record(brand_id=brand.id, member_id=people[name].id, kind=kind, at=NOW, amount_cents=cents)

    await touch("p1", TouchKind.PURCHASE, 100)
    await touch("p1", TouchKind.PURCHASE, 200)
    await touch("p2", TouchKind.PURCHASE, 500)
    await touch("p2", TouchKind.PURCHASE_REVERSED, -500)  # returned: not a buyer
    await touch("p3", TouchKind.PURCHASE, 300)
    return dict(brand=brand, a=a, b=b, ga=ga)


async def test_each_trait_counts_members_buyers_and_revenue(cast, reading) -> None:
    as_of = await reading(cast["brand"])
    brand = cast["brand"].id
    expect = {
        Trait.GENDER: [Row("female", 2, 1, 300), Row("male", 1, 1, 300), Row(None, 1, 0, 0)],
        Trait.AGE_BAND: [
            Row("25_29", 1, 1, 300),
            Row("35_39", 1, 1, 300),
            Row("under_25", 1, 0, 0),
            Row(None, 1, 0, 0),
        ],
        Trait.CITY: [Row("上海", 2, 2, 600), Row("北京", 1, 0, 0), Row(None, 1, 0, 0)],
        Trait.BABY_AGE_BAND: [
            Row("0_5_months", 1, 1, 300),
            Row("6_11_months", 1, 0, 0),
            Row("expecting", 1, 1, 300),
            Row(None, 1, 0, 0),
        ],
        Trait.LOCALE: [Row(None, 3, 1, 300), Row("zh-Hans", 1, 1, 300)],
    }
    for trait, rows in expect.items():
        assert await demographics(brand_id=brand, by=trait, today=TODAY) == [replace(r, as_of=as_of) for r in rows], (
            trait
        )


async def test_a_store_sees_the_members_who_registered_there(cast, reading) -> None:
    as_of = await reading(cast["brand"])
    rows = await demographics(
        brand_id=cast["brand"].id, by=Trait.GENDER, today=TODAY, members=Members(store_id=cast["b"].id)
    )
    assert rows == [Row("male", 1, 1, 300, as_of), Row(None, 1, 0, 0, as_of)]
    # By the guide serving them now, and by the channel they came by.
    by_guide = await demographics(
        brand_id=cast["brand"].id, by=Trait.CITY, today=TODAY, members=Members(guide_id=cast["ga"].id)
    )
    assert by_guide == [Row("上海", 1, 1, 300, as_of), Row("北京", 1, 0, 0, as_of)]
    organic = await demographics(
        brand_id=cast["brand"].id, by=Trait.CITY, today=TODAY, members=Members(channel=Channel.ORGANIC)
    )
    assert organic == []


DEMOGRAPHICS = (
    """query($s: ID) { demographics(by: CITY, storeId: $s) { key members buyers revenue { amount currency } } }"""
)


async def test_over_graphql_with_the_role_scope(client, settings, cast) -> None:
    from access.models import StaffRole
    from foundation import global_ids

    brand = cast["brand"]
    hq = factories.staff_token(settings, await factories.staff(brand))
    manager = factories.staff_token(settings, await factories.staff(brand, "mgr", StaffRole.STORE_MANAGER, cast["a"]))
    whole = (await client.ok(DEMOGRAPHICS, token=hq))["demographics"]
    assert whole[0] == {"key": "上海", "members": 2, "buyers": 2, "revenue": {"amount": 600, "currency": "CNY"}}
    mine = (await client.ok(DEMOGRAPHICS, token=manager))["demographics"]
    assert [(g["key"], g["members"], g["buyers"]) for g in mine] == [("上海", 1, 1), ("北京", 1, 0)]
    refused = await client.post(DEMOGRAPHICS, {"s": global_ids.encode("Store", cast["b"].id)}, token=manager)
    assert refused.body["errors"][0]["extensions"]["code"] == "STORE_NOT_FOUND"


async def test_as_a_csv_file(client, settings, clock, cast) -> None:
    from access.models import StaffRole
    from foundation import global_ids
    from tests.insight.csv_file import csv_refusal, csv_rows

    clock.now = NOW
    brand = cast["brand"]
    hq = factories.staff_token(settings, await factories.staff(brand))
    rows = await csv_rows(client, "/exports/reports/demographics.csv", hq, by="CITY")
    assert rows == [
        ["key", "members", "buyers", "revenue", "currency", "as_of"],
        ["上海", "2", "2", "6.00", "CNY", NOW.isoformat()],
        ["北京", "1", "0", "0.00", "CNY", NOW.isoformat()],
        ["", "1", "0", "0.00", "CNY", NOW.isoformat()],
    ]
    manager = factories.staff_token(settings, await factories.staff(brand, "mgr", StaffRole.STORE_MANAGER, cast["a"]))
    other = global_ids.encode("Store", cast["b"].id)
    assert await csv_refusal(client, "/exports/reports/demographics.csv", manager, storeId=other) == (
        404,
        "STORE_NOT_FOUND",
    )
    assert await csv_refusal(client, "/exports/reports/demographics.csv", hq, by="SHOE_SIZE") == (
        400,
        "INVALID_ARGUMENT",
    )
    assert await csv_refusal(client, "/exports/reports/demographics.csv", None) == (401, "UNAUTHENTICATED")


async def test_over_graphql_by_guide_and_channel(client, settings, cast) -> None:
    from foundation import global_ids

    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    query = """query($g: ID, $c: Channel) { demographics(by: CITY, guideId: $g, channel: $c) { key members } }"""
    mine = (await client.ok(query, {"g": global_ids.encode("Guide", cast["ga"].id)}, token=hq))["demographics"]
    assert mine == [{"key": "上海", "members": 1}, {"key": "北京", "members": 1}]
    assert (await client.ok(query, {"c": "ORGANIC"}, token=hq))["demographics"] == []
    nobody = await client.post(query, {"g": global_ids.encode("Guide", 999_999)}, token=hq)
    assert nobody.body["errors"][0]["extensions"]["code"] == "GUIDE_NOT_FOUND"
