"""Campaigns on purchases at the till and imported orders (the PURCHASE trigger): a first-purchase
gift fires once, a SKU rule rewards the guide per matching order, the purchase is credited to the
campaign in reports, a retry never rewards twice, and a return takes the reward back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from access.models import StaffRole
from loyalty.models import Coupon, CouponStatus, ImportedOrder, PointsAccount, StepReward, StorePurchase
from referral.models import GuideBinding, IdentityProvider, Member, MemberIdentity, Touch, TouchKind
from referral.services import identities
from schema import ids
from server.wiring import wire
from tests import factories
from tests.loyalty.scenario import Shop, open_shop

RECORD = """mutation($i: StorePurchaseInput!) { recordStorePurchase(input: $i) {
  purchase { points } replayed errors { code field } } }"""
RETURN = """mutation($i: ReturnStorePurchaseInput!) { returnStorePurchase(input: $i) {
  pointsTaken errors { code } } }"""
IMPORT = (
    """mutation($i: ImportOrdersInput!) { importOrders(input: $i) { result { imported matched } errors { code } } }"""
)
BY_CAMPAIGN = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: CAMPAIGN) {
  key purchases revenue { amount } } }"""
YEAR = {"f": "2026-01-01T00:00:00Z", "t": "2027-01-01T00:00:00Z"}


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    shop = await open_shop(client, settings)  # MILK-900G: 30 points a can
    await shop.batch_of("GOLD-800G", points=50)
    return shop


def receipt(number: str, member_code: str, sku: str = "MILK-900G") -> dict:
    return {"i": {"receiptNumber": number, "memberCode": member_code, "items": [{"sku": sku, "price": 29_900}]}}


async def _guide_token(shop: Shop) -> str:
    return factories.member_token(shop.settings, await Member.get(id=shop.guide.member_id))


async def _balance(member_id: int) -> int:
    account = await PointsAccount.get_or_none(member_id=member_id)
    return account.balance if account else 0


async def test_a_first_purchase_gift_at_the_till_fires_once_and_a_return_takes_it_back(shop) -> None:
    gift = await shop.template(name="Gift can")
    made = await shop.campaign(
        name="First can", trigger="PURCHASE", firstPurchase=True, points=20, couponTemplateId=gift
    )
    assert made["errors"] == [], made
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    guide = await _guide_token(shop)

    first = await shop.client.mutate("recordStorePurchase", RECORD, receipt("R-1", mum.invite_code), token=guide)
    retry = await shop.client.mutate("recordStorePurchase", RECORD, receipt("R-1", mum.invite_code), token=guide)
    second = await shop.client.mutate("recordStorePurchase", RECORD, receipt("R-2", mum.invite_code), token=guide)

    assert first["errors"] == second["errors"] == [] and retry["replayed"] is True
    assert await _balance(mum.id) == 30 + 20 + 30
    assert await Coupon.filter(member_id=mum.id, status=CouponStatus.ISSUED).count() == 1
    assert await StepReward.filter(member_id=mum.id).count() == 1
    rows = (await shop.client.ok(BY_CAMPAIGN, YEAR, token=shop.hq))["attribution"]
    credited = {r["key"]: r["purchases"] for r in rows}
    assert credited[made["campaign"]["id"]] == 1 and credited[None] == 1  # R-1 credited; R-2 not

    returned = await shop.client.mutate(
        "returnStorePurchase",
        RETURN,
        {"i": {"receiptNumber": "R-1", "reason": "came back"}},
        token=factories.staff_token(
            shop.settings, await factories.staff(shop.brand, "mgr", StaffRole.STORE_MANAGER, shop.store)
        ),
    )
    assert returned == {"pointsTaken": 30 + 20, "errors": []}
    assert await _balance(mum.id) == 30  # R-2's can only: the gift's 20 went back with R-1
    assert await Coupon.filter(member_id=mum.id, status=CouponStatus.CANCELLED).count() == 1
    assert await StepReward.filter(member_id=mum.id, reversed_at__isnull=False).count() == 1


async def test_an_imported_order_with_the_sku_rewards_the_guide_once(shop) -> None:
    made = await shop.campaign(name="Gold push", trigger="PURCHASE", skus=["GOLD-800G"], beneficiary="GUIDE", points=5)
    assert made["errors"] == [], made
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    await GuideBinding.filter(member_id=mum.id).update(started_at=datetime(2026, 5, 1, tzinfo=UTC))
    orders = [
        {
            "orderNumber": number,
            "orderedAt": "2026-05-20T10:00:00+08:00",
            "memberCode": mum.invite_code,
            "items": [{"sku": sku, "price": 100}],
        }
        for number, sku in (("W-1", "GOLD-800G"), ("W-2", "MILK-900G"), ("W-3", "GOLD-800G"))
    ]
    done = await shop.client.mutate("importOrders", IMPORT, {"i": {"orders": orders}}, token=shop.hq)
    again = await shop.client.mutate("importOrders", IMPORT, {"i": {"orders": orders}}, token=shop.hq)
    assert done["result"] == {"imported": 3, "matched": 3} and again["result"]["imported"] == 0
    assert await _balance(shop.guide.member_id) == 2 * 5
    gold = await Touch.filter(kind=TouchKind.PURCHASE, product="GOLD-800G").values_list("campaign_id", flat=True)
    assert gold == [ids.decode(made["campaign"]["id"], "Campaign")] * 2


async def test_a_purchase_campaign_has_no_region(shop) -> None:
    refused = await shop.campaign(name="Shanghai", trigger="PURCHASE", points=5, region="Shanghai")
    assert refused["errors"] == [{"code": "CAMPAIGN_INVALID", "field": "region"}]


async def test_a_merged_member_keeps_the_purchases_orders_and_rewards_of_both(shop, clock) -> None:
    await shop.campaign(name="First", trigger="PURCHASE", firstPurchase=True, points=20)
    first, _ = await shop.mother("wechat-self", via=shop.guide.invite_code)
    second, _ = await shop.mother("line-self", via=shop.guide.invite_code)
    await MemberIdentity.filter(member_id=second.id).update(provider=IdentityProvider.LINE)
    guide = await _guide_token(shop)
    assert (await shop.client.mutate("recordStorePurchase", RECORD, receipt("R-1", second.invite_code), token=guide))[
        "errors"
    ] == []
    order = {"orderNumber": "W-1", "orderedAt": "2026-05-20T10:00:00Z", "memberCode": second.invite_code}
    order["items"] = [{"sku": "MILK-900G", "price": 100}]
    await shop.client.mutate("importOrders", IMPORT, {"i": {"orders": [order]}}, token=shop.hq)

    survivor = await identities.merge(
        brand_id=shop.brand.id, member_ids=(first.id, second.id), now=clock.now, member_data=wire().member_data
    )

    absorbed = second.id if survivor.id == first.id else first.id
    for model in (StorePurchase, ImportedOrder, StepReward):
        assert await model.filter(member_id=survivor.id).count() == 1, model
        assert not await model.filter(member_id=absorbed).exists(), model
    assert await _balance(survivor.id) == 30 + 20 + 30
