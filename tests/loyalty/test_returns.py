"""Returns: a reversed claim takes back every reward it caused, once, in one transaction."""

import asyncio

import pytest

from loyalty.models import Coupon, CouponStatus, PointsAccount, Reward
from loyalty.services import invariants
from referral.models import Member, Touch, TouchKind
from tests import factories
from tests.loyalty.scenario import Shop, gid, open_shop

REVERSE = """mutation($c: ID!, $r: String!) { reverseClaim(claimId: $c, reason: $r) {
  claim { id reversedAt reversalReason } pointsTaken debtRecorded couponsCancelled { id } couponsAlreadyUsed { id }
  errors { code field } } }"""
WRITE_OFF = "mutation($c: String!) { writeOffCoupon(code: $c) { coupon { status } errors { code } } }"
LOOKUP = "query($c: String!) { itemCode(code: $c) { batch { sku } claim { id reversedAt } errors { code } } }"


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    shop = await open_shop(client, settings)
    gift = await shop.template(name="Buy one get one")
    await shop.campaign(name="BOGO", firstPurchase=True, viaGuide=True, couponTemplateId=gift, points=20)
    await shop.campaign(
        name="Friend bonus", firstPurchase=True, invitedByMember=True, points=200, beneficiary="INVITER"
    )
    await shop.campaign(name="Guide bonus", points=5, beneficiary="GUIDE")
    return shop


async def balances(*member_ids: int) -> list[tuple[int, int]]:
    accounts = {a.member_id: a for a in await PointsAccount.filter(member_id__in=member_ids)}
    return [(accounts[m].balance, accounts[m].debt) for m in member_ids]


async def test_a_return_takes_back_the_members_guides_and_inviters_rewards(shop) -> None:
    inviter, inviter_token = await shop.mother("inviter", via=shop.guide.invite_code)
    friend, friend_token = await shop.mother("friend", via=inviter.invite_code)
    code = shop.code()
    claimed = await shop.claim(friend_token, code)
    assert claimed["pointsEarned"] == 30 + 20
    assert await balances(friend.id, inviter.id, shop.guide.member_id) == [(50, 0), (200, 0), (5, 0)]

    found = await shop.client.ok(LOOKUP, {"c": code}, token=shop.hq)
    claim_id = found["itemCode"]["claim"]["id"]
    assert found["itemCode"]["batch"]["sku"] == "MILK-900G" and found["itemCode"]["claim"]["reversedAt"] is None
    done = await shop.client.mutate("reverseClaim", REVERSE, {"c": claim_id, "r": "returned unopened"}, token=shop.hq)
    assert done["errors"] == [] and done["pointsTaken"] == 30 + 20 + 200 + 5 and done["debtRecorded"] == 0
    assert done["claim"]["reversalReason"] == "returned unopened" and len(done["couponsCancelled"]) == 1
    assert await balances(friend.id, inviter.id, shop.guide.member_id) == [(0, 0), (0, 0), (0, 0)]
    assert await Coupon.filter(status=CouponStatus.CANCELLED).count() == 1
    assert await Reward.filter(reversed_at__isnull=True).count() == 0
    returned = await Touch.get(kind=TouchKind.PURCHASE_REVERSED)
    assert (returned.amount_cents, returned.guide_id) == (-29_900, shop.guide.id)

    again = await shop.client.mutate("reverseClaim", REVERSE, {"c": claim_id, "r": "again"}, token=shop.hq)
    assert again["errors"] == [{"code": "CLAIM_ALREADY_REVERSED", "field": "claimId"}]
    assert await invariants.violations() == []


async def test_spent_points_become_a_debt_repaid_from_later_earnings(shop) -> None:
    bib = await shop.template(name="Bib", pointsPrice=50)
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    claimed = await shop.claim(token)  # 30 + 20 (BOGO)
    bought = await shop.client.mutate(
        "buyCoupon", "mutation($t: ID!) { buyCoupon(templateId: $t) { errors { code } } }", {"t": bib}, token=token
    )
    assert bought["errors"] == [] and await balances(mum.id) == [(0, 0)]
    gift = claimed["rewards"][0]["coupon"]["code"]
    guide_token = factories.member_token(shop.settings, await Member.get(id=shop.guide.member_id))
    used = await shop.client.mutate("writeOffCoupon", WRITE_OFF, {"c": gift}, token=guide_token)
    assert used["coupon"]["status"] == "WRITTEN_OFF"

    done = await shop.client.mutate(
        "reverseClaim", REVERSE, {"c": claimed["claim"]["id"], "r": "refund"}, token=shop.hq
    )
    assert done["errors"] == [] and done["debtRecorded"] == 50 and len(done["couponsAlreadyUsed"]) == 1
    assert await balances(mum.id) == [(0, 50)]
    mine = await shop.points(token)
    assert (mine["balance"], mine["debt"]) == (0, 50)
    # Next purchase: 30 points, all of them go to the debt.
    await shop.claim(token)
    assert await balances(mum.id) == [(0, 20)]
    await shop.claim(token)
    assert await balances(mum.id) == [(10, 0)]
    assert await invariants.violations() == []


async def test_racing_reversals_reverse_once(shop) -> None:
    _, token = await shop.mother("mum", via=shop.guide.invite_code)
    claimed = await shop.claim(token)
    results = await asyncio.gather(
        *(
            shop.client.mutate("reverseClaim", REVERSE, {"c": claimed["claim"]["id"], "r": "refund"}, token=shop.hq)
            for _ in range(8)
        )
    )
    assert sorted(r["errors"] == [] for r in results) == [False] * 7 + [True]
    assert await Touch.filter(kind=TouchKind.PURCHASE_REVERSED).count() == 1
    assert await invariants.violations() == []


@pytest.mark.parametrize(
    ("claim_id", "reason", "code"),
    [
        (None, " ", "REASON_REQUIRED"),
        (gid("Claim", 999), "refund", "CLAIM_NOT_FOUND"),
    ],
)
async def test_bad_reversals_change_nothing(shop, claim_id, reason, code) -> None:
    _, token = await shop.mother("mum")
    claimed = await shop.claim(token)
    done = await shop.client.mutate(
        "reverseClaim", REVERSE, {"c": claim_id or claimed["claim"]["id"], "r": reason}, token=shop.hq
    )
    assert [e["code"] for e in done["errors"]] == [code]
    assert (await shop.points(token))["balance"] == 30 and await Reward.filter(reversed_at__isnull=False).count() == 0


BY_PRODUCT = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: PRODUCT) {
  key purchases revenue { amount } } }"""


async def test_purchases_and_returns_count_per_product(shop, clock) -> None:
    gold = await shop.batch_of("GOLD-800G")
    _, token = await shop.mother("mum", via=shop.guide.invite_code)
    gold_code = shop.code(gold)
    for code in (shop.code(), shop.code(), gold_code):
        assert (await shop.claim(token, code))["errors"] == []
    found = await shop.client.ok(LOOKUP, {"c": gold_code}, token=shop.hq)
    returned = await shop.client.mutate(
        "reverseClaim", REVERSE, {"c": found["itemCode"]["claim"]["id"], "r": "damaged"}, token=shop.hq
    )
    assert returned["errors"] == []
    period = {"f": "2026-01-01T00:00:00Z", "t": "2027-01-01T00:00:00Z"}
    rows = (await shop.client.ok(BY_PRODUCT, period, token=shop.hq))["attribution"]
    by_sku = {r["key"]: (r["purchases"], r["revenue"]["amount"]) for r in rows}
    # Milk twice; gold once, returned; the registration and the coupon carry no product.
    assert by_sku == {"GOLD-800G": (0, 0), "MILK-900G": (2, 2 * 29_900), None: (0, 0)}
