"""Cohorts count exactly on a known cast, on both engines: the registration month in the brand's
time zone (a member who registered at 01:00 on 1 April, Shanghai, is April's though it was still
March in UTC), buyers net of returns, buyers again, revenue, months up to the current one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from insight.cohorts import Cell, Cohort, cohorts
from insight.errors import InsightError
from insight.members import Members
from referral.models import Member, TouchKind
from referral.services import members, touches
from tests import factories
from tests.insight.shops import two_shops

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 4, tzinfo=UTC)


def utc(month: int, day: int, hour: int = 4) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
async def cast(db):
    brand, _, b_store, ga, gb = await two_shops()
    people = {}
    for name, registered, guide in (
        ("a", utc(3, 10), ga),
        ("b", utc(3, 31, 17), gb),  # 1 April 01:00 in Shanghai
        ("c", utc(3, 20), ga),
        ("d", utc(5, 2), ga),
        ("e", utc(2, 20), ga),  # before the first cohort
        ("f", utc(4, 10), ga),  # erased
    ):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=registered, code=guide.invite_code)
        people[name] = m
    await Member.filter(id=people["f"].id).update(deleted_at=NOW)

    async def buy(name: str, at: datetime, cents: int) -> None:
        kind = TouchKind.PURCHASE if cents > 0 else TouchKind.PURCHASE_REVERSED
        await touches.record(brand_id=brand.id, member_id=people[name].id, kind=kind, at=at, amount_cents=cents)

    await buy("a", utc(3, 12), 100)
    await buy("a", utc(4, 5), 200)
    await buy("a", utc(6, 1), 300)
    await buy("b", utc(4, 2), 50)
    await buy("b", utc(4, 3), -50)  # returned: April's net is nothing
    await buy("b", utc(5, 20), 70)
    await buy("d", utc(5, 3), 10)
    await buy("d", utc(5, 10), 20)
    await buy("e", utc(3, 1), 999)
    await buy("f", utc(4, 11), 999)
    return dict(brand=brand, b_store=b_store)


async def test_each_cell_counts_exactly(cast, reading) -> None:
    as_of = await reading(cast["brand"])
    found = await cohorts(brand_id=cast["brand"].id, first_month=date(2026, 3, 1), months=3, now=NOW, zone=SHANGHAI)
    assert found == [
        Cohort(
            date(2026, 3, 1),
            2,
            [Cell(0, 1, 0, 100), Cell(1, 1, 1, 200), Cell(2, 0, 0, 0), Cell(3, 1, 1, 300)],
            as_of,
        ),
        Cohort(date(2026, 4, 1), 1, [Cell(0, 0, 0, 0), Cell(1, 1, 0, 70), Cell(2, 0, 0, 0)], as_of),
        Cohort(date(2026, 5, 1), 1, [Cell(0, 1, 0, 30), Cell(1, 0, 0, 0)], as_of),
    ]
    # More cohorts than months so far: up to the current one (June: nobody registered).
    later = await cohorts(brand_id=cast["brand"].id, first_month=date(2026, 5, 1), months=12, now=NOW, zone=SHANGHAI)
    assert [(c.month, c.members, len(c.cells)) for c in later] == [(date(2026, 5, 1), 1, 2), (date(2026, 6, 1), 0, 1)]
    mine = await cohorts(
        brand_id=cast["brand"].id,
        first_month=date(2026, 3, 1),
        months=2,
        now=NOW,
        zone=SHANGHAI,
        members=Members(store_id=cast["b_store"].id),
    )
    assert [c.members for c in mine] == [0, 1]
    assert [c.as_of for c in mine] == [as_of, as_of]


@pytest.mark.parametrize(("first", "months"), [(date(2026, 7, 1), 1), (date(2026, 1, 1), 0), (date(2026, 1, 1), 25)])
async def test_out_of_range_is_refused(cast, first, months) -> None:
    with pytest.raises(InsightError):
        await cohorts(brand_id=cast["brand"].id, first_month=first, months=months, now=NOW, zone=SHANGHAI)


COHORTS = """query($f: Date!, $n: Int!) { cohorts(from: $f, months: $n) { month members
  cells { since buyers again rate revenue { amount } } } }"""


async def test_over_graphql(client, settings, clock, cast) -> None:
    clock.now = NOW
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    [march] = (await client.ok(COHORTS, {"f": "2026-03-15", "n": 1}, token=hq))["cohorts"]
    assert march["month"] == "2026-03-01" and march["members"] == 2
    assert march["cells"][1] == {"since": 1, "buyers": 1, "again": 1, "rate": 0.5, "revenue": {"amount": 200}}
    refused = await client.post(COHORTS, {"f": "2026-03-01", "n": 40}, token=hq)
    assert refused.body["errors"][0]["extensions"]["code"] == "RANGE_INVALID"


async def test_as_a_csv_file(client, settings, clock, cast) -> None:
    from tests.insight.csv_file import csv_refusal, csv_rows

    clock.now = NOW
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    rows = await csv_rows(client, "/exports/reports/cohorts.csv", hq, **{"from": "2026-05-01", "months": "2"})
    assert rows == [
        ["month", "members", "since", "buyers", "again", "revenue", "currency", "as_of"],
        ["2026-05-01", "1", "0", "1", "0", "0.30", "CNY", NOW.isoformat()],
        ["2026-05-01", "1", "1", "0", "0", "0.00", "CNY", NOW.isoformat()],
        ["2026-06-01", "0", "0", "0", "0", "0.00", "CNY", NOW.isoformat()],
    ]
    path = "/exports/reports/cohorts.csv"
    assert await csv_refusal(client, path, hq, **{"from": "May", "months": "2"}) == (400, "RANGE_INVALID")
    assert await csv_refusal(client, path, hq, **{"from": "2026-05-01", "months": "40"}) == (400, "RANGE_INVALID")
