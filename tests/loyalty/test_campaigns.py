"""Campaign rules written by HQ as data, evaluated in the claim's transaction."""

import asyncio

import pytest

from loyalty.models import Beneficiary, CampaignProgress, Claim, Coupon, PointsEntry, Reward
from loyalty.services import invariants
from referral.models import Member
from tests.loyalty.scenario import Shop, gid, open_shop


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    return await open_shop(client, settings)


async def test_first_purchase_through_a_guide_gets_a_gift_coupon_at_once(shop) -> None:
    gift = await shop.template(name="Buy one get one", totalLimit=100)
    rule = await shop.campaign(
        name="BOGO", firstPurchase=True, viaGuide=True, couponTemplateId=gift, skus=["MILK-900G"]
    )
    assert rule["errors"] == [] and rule["campaign"]["couponTemplateId"] == gift
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    walk_in, walk_in_token = await shop.mother("walk-in")

    first = await shop.claim(token)
    assert first["errors"] == [] and first["pointsEarned"] == 30
    [reward] = first["rewards"]
    assert reward["campaignName"] == "BOGO" and reward["coupon"]["status"] == "ISSUED" and reward["shortfall"] is None
    mine = await shop.client.ok("{ myCoupons { nodes { code } } }", token=token)
    assert mine["myCoupons"]["nodes"] == [{"code": reward["coupon"]["code"]}]

    second = await shop.claim(token)
    assert second["errors"] == [] and second["rewards"] == []
    # No guide, no gift: the rule asks for a member who came through a guide.
    unguided = await shop.claim(walk_in_token)
    assert unguided["errors"] == [] and unguided["rewards"] == []
    # Another SKU is not part of the campaign.
    other = await shop.batch_of("MILK-400G")
    newcomer, newcomer_token = await shop.mother("newcomer", via=shop.guide.invite_code)
    assert (await shop.claim(newcomer_token, shop.code(other)))["rewards"] == []
    assert await Coupon.filter(member_id=mum.id).count() == 1 and await Coupon.all().count() == 1
    assert await invariants.violations() == []


async def test_a_friends_first_purchase_earns_the_inviter_points(shop) -> None:
    rule = await shop.campaign(
        name="Member gets member", firstPurchase=True, invitedByMember=True, points=200, beneficiary="INVITER"
    )
    assert rule["errors"] == [] and rule["campaign"]["beneficiary"] == "INVITER"
    mum, mum_token = await shop.mother("mum", via=shop.guide.invite_code)
    friend, friend_token = await shop.mother("friend", via=mum.invite_code)
    assert friend.referrer_id == mum.id

    bought = await shop.claim(friend_token)
    # The friend sees only their own points; the 200 went to mum.
    assert bought["errors"] == [] and bought["pointsEarned"] == 30 and bought["rewards"] == []
    assert (await shop.points(mum_token))["balance"] == 200
    assert (await shop.claim(friend_token))["errors"] == []
    assert (await shop.points(mum_token))["balance"] == 200
    assert [(r.beneficiary, r.member_id, r.points) for r in await Reward.all()] == [(Beneficiary.INVITER, mum.id, 200)]
    assert await invariants.violations() == []


async def test_the_guide_can_be_rewarded_and_every_nth_purchase_counts(shop) -> None:
    await shop.campaign(name="Guide bonus", viaGuide=True, points=5, beneficiary="GUIDE")
    await shop.campaign(name="Every third can", everyNth=3, points=100, skus=["MILK-900G"])
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    results = [await shop.claim(token) for _ in range(7)]
    assert [r["pointsEarned"] for r in results] == [30, 30, 130, 30, 30, 130, 30]
    guide_member = await Member.get(id=shop.guide.member_id)
    assert await PointsEntry.filter(member_id=guide_member.id).count() == 7
    assert (
        await Reward.filter(beneficiary=Beneficiary.GUIDE).count(),
        await CampaignProgress.get().values_list("count", flat=True),
    ) == (7, 7)
    assert await invariants.violations() == []


async def test_region_rules_and_campaign_dates(shop, clock) -> None:
    await shop.campaign(name="Hangzhou launch", region="Hangzhou", points=50)
    await shop.campaign(name="Over", points=999, startsAt="2020-01-01T00:00:00Z", endsAt="2020-02-01T00:00:00Z")
    later = await shop.campaign(
        name="Not yet", points=999, startsAt="2030-01-01T00:00:00Z", endsAt="2030-02-01T00:00:00Z"
    )
    stopped = await shop.campaign(name="Stopped", points=999)
    stop = await shop.client.mutate(
        "stopCampaign",
        "mutation($c: ID!) { stopCampaign(id: $c) { campaign { stoppedAt } errors { code } } }",
        {"c": stopped["campaign"]["id"]},
        token=shop.hq,
    )
    assert stop["errors"] == [] and stop["campaign"]["stoppedAt"] is not None
    _, token = await shop.mother("mum")
    assert (await shop.claim(token, city="hangzhou"))["pointsEarned"] == 80
    assert (await shop.claim(token, city="Shanghai"))["pointsEarned"] == 30
    assert (await shop.claim(token))["pointsEarned"] == 30
    assert later["errors"] == []
    listed = await shop.client.ok("{ campaigns { nodes { name } } }", token=shop.hq)
    assert [n["name"] for n in listed["campaigns"]["nodes"]] == ["Stopped", "Not yet", "Over", "Hangzhou launch"]


async def test_a_gift_that_ran_out_costs_the_coupon_not_the_claim(shop) -> None:
    gift = await shop.template(name="Scarce gift", totalLimit=1)
    await shop.campaign(name="Gift", firstPurchase=True, couponTemplateId=gift, points=10)
    _, first_token = await shop.mother("first")
    _, second_token = await shop.mother("second")
    assert (await shop.claim(first_token))["rewards"][0]["coupon"] is not None
    late = await shop.claim(second_token)
    assert late["errors"] == [] and late["pointsEarned"] == 40
    assert late["rewards"] == [
        {"campaignName": "Gift", "points": 10, "coupon": None, "shortfall": "COUPON_LIMIT_REACHED"}
    ]
    assert await Claim.all().count() == 2 and await Coupon.all().count() == 1
    assert await invariants.violations() == []


@pytest.mark.parametrize(
    ("input_", "field"),
    [
        ({"name": " "}, "name"),
        ({"endsAt": "2025-01-01T00:00:00Z"}, "endsAt"),
        ({"points": -5}, "points"),
        ({"points": 0}, "points"),
        ({"everyNth": 1}, "everyNth"),
        ({"firstPurchase": True, "everyNth": 3}, "everyNth"),
        ({"skus": ["X" * 41]}, "skus"),
        ({"couponTemplateId": gid("CouponTemplate", 999)}, "couponTemplateId"),
    ],
)
async def test_bad_campaigns_are_refused_and_create_nothing(shop, input_, field) -> None:
    made = await shop.campaign(**{"points": 10, **input_})
    assert made["campaign"] is None and [e["field"] for e in made["errors"]] == [field]
    assert (await shop.client.ok("{ campaigns { nodes { id } } }", token=shop.hq))["campaigns"]["nodes"] == []


async def test_racing_first_purchases_of_one_member_reward_exactly_one(shop) -> None:
    await shop.campaign(name="Welcome", firstPurchase=True, points=500)
    mum, token = await shop.mother("mum")
    results = await asyncio.gather(*(shop.claim(token) for _ in range(12)))
    assert all(r["errors"] == [] for r in results)
    assert sorted(r["pointsEarned"] for r in results) == [30] * 11 + [530]
    assert await Reward.filter(member_id=mum.id).count() == 1
    assert (await shop.points(token))["balance"] == 12 * 30 + 500
    assert await invariants.violations() == []
