"""Points: spent on coupons (both or neither), refunded on cancellation, expired by the brand's rule,
and the ledger always equal to the balance."""

import asyncio

import pytest

from loyalty.models import Coupon, EntryKind, LoyaltyPolicy, PointsAccount, PointsEntry
from loyalty.services import invariants, points
from tests.loyalty.scenario import Shop, open_shop

BUY = """mutation($t: ID!, $k: String) { buyCoupon(templateId: $t, idempotencyKey: $k) {
  coupon { id code pointsCost } errors { code field } } }"""
CANCEL = "mutation($c: ID!) { cancelCoupon(couponId: $c) { coupon { status } errors { code } } }"


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    return await open_shop(client, settings)


async def kinds(member_id: int) -> list[tuple[str, int]]:
    rows = await PointsEntry.filter(member_id=member_id).order_by("id")
    return [(row.kind.value, row.points) for row in rows]


async def test_buy_a_coupon_with_points_and_get_them_back_when_hq_cancels_it(shop) -> None:
    for_sale = await shop.template(name="Bib", pointsPrice=50, perMemberLimit=5)
    not_for_sale = await shop.template(name="Gift")
    mum, token = await shop.mother("mum")
    await shop.claim(token)
    await shop.claim(token)  # 60 points

    bought = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": "buy-0001-abc"}, token=token)
    assert bought["errors"] == [] and bought["coupon"]["pointsCost"] == 50
    retry = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": "buy-0001-abc"}, token=token)
    assert retry["coupon"] == bought["coupon"]
    assert (await shop.points(token))["balance"] == 10

    short = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": None}, token=token)
    assert short["errors"] == [{"code": "INSUFFICIENT_POINTS", "field": None}]
    refused = await shop.client.mutate("buyCoupon", BUY, {"t": not_for_sale, "k": None}, token=token)
    assert refused["errors"] == [{"code": "COUPON_NOT_FOR_SALE", "field": "templateId"}]
    assert await Coupon.filter(member_id=mum.id).count() == 1

    cancelled = await shop.client.mutate("cancelCoupon", CANCEL, {"c": bought["coupon"]["id"]}, token=shop.hq)
    again = await shop.client.mutate("cancelCoupon", CANCEL, {"c": bought["coupon"]["id"]}, token=shop.hq)
    assert cancelled["coupon"]["status"] == again["coupon"]["status"] == "CANCELLED"
    assert (await shop.points(token))["balance"] == 60
    assert await kinds(mum.id) == [("earn", 30), ("earn", 30), ("spend", -50), ("refund", 50)]
    assert await invariants.violations() == []


async def test_another_members_idempotency_key_never_returns_their_coupon(shop) -> None:
    for_sale = await shop.template(name="Bib", pointsPrice=10)
    _, mum_token = await shop.mother("mum")
    _, other_token = await shop.mother("other")
    await shop.claim(mum_token)
    await shop.claim(other_token)
    mine = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": "shared-key-01"}, token=mum_token)
    theirs = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": "shared-key-01"}, token=other_token)
    assert mine["errors"] == [] and theirs == {
        "coupon": None,
        "errors": [{"code": "IDEMPOTENCY_KEY_INVALID", "field": "idempotencyKey"}],
    }
    assert (await shop.points(other_token))["balance"] == 30


async def test_racing_purchases_never_overspend(shop) -> None:
    for_sale = await shop.template(name="Bib", pointsPrice=30, perMemberLimit=20)
    mum, token = await shop.mother("mum")
    for _ in range(3):
        await shop.claim(token)  # 90 points: enough for exactly three
    results = await asyncio.gather(
        *(shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": None}, token=token) for _ in range(10))
    )
    assert sum(r["errors"] == [] for r in results) == 3
    assert {e["code"] for r in results for e in r["errors"]} == {"INSUFFICIENT_POINTS"}
    assert (await PointsAccount.get(member_id=mum.id)).balance == 0 and await Coupon.filter(
        member_id=mum.id
    ).count() == 3
    assert await invariants.violations() == []


async def test_points_expire_by_the_brand_rule_oldest_spent_first(shop, clock) -> None:
    await LoyaltyPolicy.filter(brand_id=shop.brand.id).update(points_valid_days=100)
    for_sale = await shop.template(name="Bib", pointsPrice=40, perMemberLimit=5)
    mum, token = await shop.mother("mum")
    await shop.claim(token)  # lot A: 30, expires day 100
    clock.advance(days=50)
    await shop.claim(token)  # lot B: 30, expires day 150
    assert (await shop.points(token))["expiring"] == 60
    bought = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": None}, token=token)
    assert bought["errors"] == []  # takes all of A and 10 of B
    clock.advance(days=60)  # day 110: A is past its date but already spent
    assert await points.expire_all(now=clock.now) == 0
    clock.advance(days=50)  # day 160: B's remaining 20 expire
    assert await points.expire_all(now=clock.now) == 20
    assert await points.expire_all(now=clock.now) == 0
    account = await shop.points(token)
    assert account["balance"] == 0 and account["ledger"]["nodes"][0] == {
        "kind": "EXPIRE",
        "points": -20,
        "debtChange": 0,
        "balanceAfter": 0,
        "note": account["ledger"]["nodes"][0]["note"],
    }
    assert await kinds(mum.id) == [("earn", 30), ("earn", 30), ("spend", -40), ("expire", -20)]
    assert await invariants.violations() == []


async def test_spending_expires_due_points_first(shop, clock) -> None:
    await LoyaltyPolicy.filter(brand_id=shop.brand.id).update(points_valid_days=10)
    for_sale = await shop.template(name="Bib", pointsPrice=30)
    _, token = await shop.mother("mum")
    await shop.claim(token)
    clock.advance(days=11)
    # The nightly run has not happened, but the points are past their date: they cannot be spent.
    late = await shop.client.mutate("buyCoupon", BUY, {"t": for_sale, "k": None}, token=token)
    assert late["errors"][0]["code"] == "INSUFFICIENT_POINTS"
    assert (await PointsEntry.filter(kind=EntryKind.EXPIRE).count(), await invariants.violations()) == (0, [])
