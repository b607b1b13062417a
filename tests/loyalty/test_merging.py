"""Two members found to be one person: the survivor keeps every claim, point, coupon and reward."""

import pytest

from loyalty.models import Claim, Coupon, PointsAccount
from loyalty.services import invariants
from referral.models import IdentityProvider, MemberIdentity
from referral.services import identities
from server.wiring import wire
from tests.loyalty.scenario import Shop, open_shop


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    return await open_shop(client, settings)


async def test_merging_members_carries_their_loyalty_along(shop, clock) -> None:
    gift = await shop.template(name="Welcome gift", perMemberLimit=2)
    await shop.campaign(name="Welcome", firstPurchase=True, couponTemplateId=gift, points=100)
    await shop.campaign(name="Every 2nd", everyNth=2, points=7)
    first, first_token = await shop.mother("wechat-self")
    second, second_token = await shop.mother("line-self")
    # Signed in another way (merging refuses two sign-ins of one kind).
    await MemberIdentity.filter(member_id=second.id).update(provider=IdentityProvider.LINE)
    for token in (first_token, second_token, second_token):
        assert (await shop.claim(token))["errors"] == []
    before = {m.id: (await PointsAccount.get(member_id=m.id)).balance for m in (first, second)}

    survivor = await identities.merge(
        brand_id=shop.brand.id, member_ids=(first.id, second.id), now=clock.now, member_data=wire().member_data
    )

    absorbed = second.id if survivor.id == first.id else first.id
    assert (await PointsAccount.get(member_id=survivor.id)).balance == sum(before.values())
    assert not await PointsAccount.exists(member_id=absorbed)
    assert (
        await Claim.filter(member_id=survivor.id).count() == 3
        and await Coupon.filter(member_id=survivor.id).count() == 2
    )
    assert await invariants.violations() == []
    # The merged person's next purchase is their 4th: an even one, so "every 2nd" fires once more.
    token = first_token if survivor.id == first.id else second_token
    assert (await shop.claim(token))["pointsEarned"] == 30 + 7
