"""Repurchase figures count exactly on a known cast, on both engines: buyers net of returns, repeat
buyers and the rate, mean days between a member's purchases within the period, loyal customers by
the rule given, a store's own members."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from insight.errors import InsightError
from insight.members import Members
from insight.repurchase import repurchase
from referral.models import TouchKind
from referral.services import members, touches
from tests import factories
from tests.insight.shops import two_shops

JUNE = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))


def on(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 4, tzinfo=UTC)


@pytest.fixture
async def cast(db):
    brand, _, b_store, ga, gb = await two_shops()
    people = {}
    for name, guide in (("a", ga), ("b", ga), ("c", ga), ("d", gb)):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=on(1, 5), code=guide.invite_code)
        people[name] = m

    async def touch(name: str, kind: TouchKind, at: datetime) -> None:
        cents = 100 if kind is TouchKind.PURCHASE else -100
        await touches.record(brand_id=brand.id, member_id=people[name].id, kind=kind, at=at, amount_cents=cents)

    for day in (1, 11, 21):
        await touch("a", TouchKind.PURCHASE, on(6, day))  # three, ten days apart
    await touch("b", TouchKind.PURCHASE, on(6, 5))
    await touch("b", TouchKind.PURCHASE_REVERSED, on(6, 6))  # returned: not a buyer
    await touch("c", TouchKind.PURCHASE, on(6, 10))
    await touch("c", TouchKind.PURCHASE, on(6, 14))  # four days on
    await touch("c", TouchKind.PURCHASE_REVERSED, on(6, 15))  # one kept
    await touch("d", TouchKind.PURCHASE, on(5, 10))  # before the period: no gap counted in June
    await touch("d", TouchKind.PURCHASE, on(6, 20))
    return dict(brand=brand, b_store=b_store)


async def test_the_figures_count_exactly(cast, reading) -> None:
    as_of = await reading(cast["brand"])
    brand = cast["brand"].id
    june = await repurchase(brand_id=brand, start=JUNE[0], end=JUNE[1])
    assert (june.buyers, june.repeat_buyers, june.mean_days_between, june.loyal, june.as_of) == (3, 1, 8.0, 1, as_of)
    assert june.rate == pytest.approx(1 / 3)
    twice = await repurchase(brand_id=brand, start=JUNE[0], end=JUNE[1], loyal_purchases=2, loyal_months=2)
    assert twice.loyal == 2  # a (three in June), d (May and June)
    store_b = await repurchase(brand_id=brand, start=JUNE[0], end=JUNE[1], members=Members(store_id=cast["b_store"].id))
    assert (store_b.buyers, store_b.repeat_buyers, store_b.mean_days_between, store_b.as_of) == (1, 0, None, as_of)


@pytest.mark.parametrize(
    ("start", "end", "purchases"),
    [(JUNE[1], JUNE[0], 3), (datetime(2025, 1, 1, tzinfo=UTC), JUNE[1], 3), (JUNE[0], JUNE[1], 0)],
)
async def test_out_of_range_is_refused(cast, start, end, purchases) -> None:
    with pytest.raises(InsightError):
        await repurchase(brand_id=cast["brand"].id, start=start, end=end, loyal_purchases=purchases)


REPURCHASE = """query($f: DateTime!, $t: DateTime!) { repurchase(from: $f, to: $t, loyalPurchases: 2, loyalMonths: 2) {
  buyers repeatBuyers rate meanDaysBetween loyal loyalPurchases loyalMonths } }"""


async def test_over_graphql(client, settings, cast) -> None:
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    period = {"f": JUNE[0].isoformat(), "t": JUNE[1].isoformat()}
    figures = (await client.ok(REPURCHASE, period, token=hq))["repurchase"]
    assert figures == {
        "buyers": 3,
        "repeatBuyers": 1,
        "rate": 0.3333,
        "meanDaysBetween": 8.0,
        "loyal": 2,
        "loyalPurchases": 2,
        "loyalMonths": 2,
    }


POLICY = """mutation($p: Int, $m: Int) { updateReferralPolicy(input: {loyalPurchases: $p, loyalMonths: $m}) {
  policy { loyalPurchases loyalMonths } errors { code field } } }"""
LOYAL = "query($f: DateTime!, $t: DateTime!) { repurchase(from: $f, to: $t) { loyal loyalPurchases loyalMonths } }"


async def test_the_loyal_rule_is_the_brands_setting(client, settings, cast) -> None:
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    period = {"f": JUNE[0].isoformat(), "t": JUNE[1].isoformat()}
    assert (await client.ok(LOYAL, period, token=hq))["repurchase"] == {
        "loyal": 1,
        "loyalPurchases": 3,
        "loyalMonths": 6,
    }
    changed = await client.mutate("updateReferralPolicy", POLICY, {"p": 2, "m": 2}, token=hq)
    assert changed == {"policy": {"loyalPurchases": 2, "loyalMonths": 2}, "errors": []}
    assert (await client.ok(LOYAL, period, token=hq))["repurchase"] == {
        "loyal": 2,
        "loyalPurchases": 2,
        "loyalMonths": 2,
    }
    refused = await client.mutate("updateReferralPolicy", POLICY, {"p": 2, "m": 30}, token=hq)
    assert refused == {"policy": None, "errors": [{"code": "POLICY_INVALID", "field": "loyalMonths"}]}
