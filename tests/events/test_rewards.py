"""Campaign rewards for event steps, written as data like the claim campaigns: once per step."""

from loyalty.models import Coupon, PointsAccount, StepReward
from loyalty.services import invariants
from referral.models import Member
from referral.services import profiles
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CAMPAIGN = (
    """mutation($i: CampaignInput!) { createCampaign(input: $i) { campaign { id trigger } errors { code field } } }"""
)
TEMPLATE = (
    """mutation($i: CouponTemplateInput!) { createCouponTemplate(input: $i) { template { id } errors { code } } }"""
)
LEAVE = "mutation($e: ID!) { cancelEventSignUp(eventId: $e) { errors { code } } }"
TICKET = "mutation($t: String!) { checkInTicket(ticket: $t) { errors { code } } }"
POLL = """mutation($e: ID!) { createEventInteraction(eventId: $e, input: {kind: POLL, question: "Morning or afternoon?",
  options: ["AM", "PM"]}) { interaction { id } } }"""
ANSWER = "mutation($i: ID!) { answerEventInteraction(id: $i, option: 0) { errors { code } } }"
YEAR = {"startsAt": "2026-01-01T00:00:00Z", "endsAt": "2028-01-01T00:00:00Z"}


async def balance(member_id: int) -> int:
    account = await PointsAccount.get_or_none(member_id=member_id)
    return account.balance if account else 0


async def test_sign_up_check_in_and_taking_part_earn_what_hq_set(client, town, settings) -> None:
    hq = town["hq"]
    bib = (
        await client.mutate(
            "createCouponTemplate", TEMPLATE, {"i": {"name": "Bib", "kind": "GIFT", "validDays": 30}}, token=hq
        )
    )["template"]["id"]
    rules = [
        {"name": "Sign-up bonus", "trigger": "EVENT_SIGN_UP", "points": 20},
        {
            "name": "Guide brought them in",
            "trigger": "EVENT_CHECK_IN",
            "viaGuide": True,
            "points": 10,
            "beneficiary": "GUIDE",
        },
        {"name": "Thanks for voting", "trigger": "EVENT_INTERACTION", "couponTemplateId": bib},
    ]
    for rule in rules:
        made = await client.mutate("createCampaign", CAMPAIGN, {"i": {**YEAR, **rule}}, token=hq)
        assert made["errors"] == [] and made["campaign"]["trigger"] == rule["trigger"]
    event = await factories.event(town["brand"], now=town["clock"].now)
    mum, token = await mother(town, "mum", via=town["guide"].invite_code)

    signed = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    assert await balance(mum.id) == 20
    await client.mutate("cancelEventSignUp", LEAVE, {"e": eid(event)}, token=token)
    again = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    assert again["errors"] == [] and await balance(mum.id) == 20  # the same step is rewarded once

    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    town["clock"].now = event.starts_at
    assert (
        await client.mutate("checkInTicket", TICKET, {"t": signed["registration"]["ticketCode"]}, token=guide_token)
    )["errors"] == []
    assert await balance(town["guide"].member_id) == 10

    poll = (await client.mutate("createEventInteraction", POLL, {"e": eid(event)}, token=hq))["interaction"]["id"]
    assert (await client.mutate("answerEventInteraction", ANSWER, {"i": poll}, token=token))["errors"] == []
    assert await Coupon.filter(member_id=mum.id).count() == 1
    assert await StepReward.all().count() == 3 and await invariants.violations() == []
    # Each step is on the member's timeline and counts towards engagement in their profile.
    stats = (await profiles.stats_for(brand_id=town["brand"].id, member_ids=[mum.id]))[mum.id]
    assert profiles.value_of(stats).engagement == 2 + 5 + 3  # signed up (twice in one instant: one touch), came, voted


async def test_event_campaigns_refuse_purchase_conditions(client, town) -> None:
    made = await client.mutate(
        "createCampaign",
        CAMPAIGN,
        {"i": {**YEAR, "name": "Odd", "trigger": "EVENT_CHECK_IN", "points": 5, "skus": ["MILK-900G"]}},
        token=town["hq"],
    )
    assert made == {"campaign": None, "errors": [{"code": "CAMPAIGN_INVALID", "field": "trigger"}]}
