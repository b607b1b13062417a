"""HQ's figures on the scenario a new brand tries first, through GraphQL, checked number by number.

One store with one guide; three mothers: two recruited by the guide (one with the registration tag
"fair"), one organic (tag "poster"); the reference buy-one-get-one rule; each mother scans a can;
the guide writes off the first gift; the second can is returned; the guide invites the first two
to a store event and all three sign up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from loyalty.models import Coupon
from referral.models import Member
from schema import ids
from tests import factories
from tests.client import GraphQLClient, Response
from tests.loyalty.scenario import Shop, open_shop
from tests.referral.helpers import consumer, register

ATTRIBUTION = """query($from: DateTime!, $to: DateTime!, $by: Dimension!, $store: ID, $guide: ID, $channel: Channel,
    $campaign: ID, $tag: String) {
  attribution(from: $from, to: $to, by: $by, storeId: $store, guideId: $guide, channel: $channel, campaignId: $campaign,
      registrationTag: $tag) {
    key newMembers purchases revenueCents couponsIssued couponsWrittenOff eventSignUps campaign { name } } }"""
EVENT_FIGURES = """query($from: DateTime!, $to: DateTime!) {
  eventAttribution(from: $from, to: $to, by: EVENT) { signUps } }"""
INVITE = "mutation($e: ID!, $m: [ID!]) { inviteToEvent(eventId: $e, memberIds: $m) { invited errors { code } } }"
SIGN_UP = "mutation($e: ID!) { signUpForEvent(eventId: $e) { registration { status } errors { code } } }"
WRITE_OFF = "mutation($c: String!) { writeOffCoupon(code: $c) { coupon { status } errors { code } } }"
REVERSE = 'mutation($c: ID!) { reverseClaim(claimId: $c, reason: "returned") { errors { code } } }'
# The clock starts at 2026-06-01T09:00Z; every step of the scenario happens within the hour.
DAY_UTC = {"from": "2026-06-01T00:00:00Z", "to": "2026-06-02T00:00:00Z"}
PRICE = 29_900


@dataclass
class Story:
    shop: Shop
    campaign_id: str
    store_id: str
    guide_id: str


def figures(new=0, purchases=0, revenue=0, issued=0, written=0, sign_ups=0) -> dict:
    return {
        "newMembers": new,
        "purchases": purchases,
        "revenueCents": revenue,
        "couponsIssued": issued,
        "couponsWrittenOff": written,
        "eventSignUps": sign_ups,
    }


@pytest.fixture
async def story(client: GraphQLClient, settings, clock) -> Story:
    shop = await open_shop(client, settings)
    gift = await shop.template(name="Gift can")
    rule = await shop.campaign(name="New mother BOGO", firstPurchase=True, viaGuide=True, couponTemplateId=gift)
    assert rule["errors"] == []
    mothers = {}
    for subject, code, tag in (
        ("ann", shop.guide.invite_code, "fair"),
        ("bea", shop.guide.invite_code, None),
        ("cat", None, "poster"),
    ):
        member, token = await consumer(settings, shop.brand, subject)
        done = await register(client, token, **{k: v for k, v in (("code", code), ("campaign", tag)) if v})
        assert done["errors"] == []
        mothers[subject] = (member, token)
    claims = {}
    for subject, (_, token) in mothers.items():
        claimed = await shop.claim(token)
        assert claimed["errors"] == []
        claims[subject] = claimed["claim"]["id"]
    guide_token = factories.member_token(settings, await Member.get(id=shop.guide.member_id))
    ann_coupon = await Coupon.get(member_id=mothers["ann"][0].id)
    used = await client.mutate("writeOffCoupon", WRITE_OFF, {"c": ann_coupon.code}, token=guide_token)
    assert used["errors"] == []
    returned = await client.mutate("reverseClaim", REVERSE, {"c": claims["bea"]}, token=shop.hq)
    assert returned["errors"] == []
    event = await factories.event(shop.brand, shop.store, now=clock.now)
    event_id = ids.encode("Event", event.id)
    invited = await client.mutate(
        "inviteToEvent",
        INVITE,
        {"e": event_id, "m": [ids.encode("Member", mothers[s][0].id) for s in ("ann", "bea")]},
        token=guide_token,
    )
    assert invited == {"invited": 2, "errors": []}
    for _, token in mothers.values():
        signed = await client.mutate("signUpForEvent", SIGN_UP, {"e": event_id}, token=token)
        assert signed["errors"] == []
    return Story(shop, rule["campaign"]["id"], ids.encode("Store", shop.store.id), ids.encode("Guide", shop.guide.id))


async def report(story: Story, by: str, period: dict | None = None, **filters: object) -> Response:
    variables = {**(period or DAY_UTC), "by": by, **filters}
    return await story.shop.client.post(ATTRIBUTION, variables, token=story.shop.hq)


async def rows(story: Story, by: str, period: dict | None = None, **filters: object) -> dict:
    response = await report(story, by, period, **filters)
    assert response.status == 200 and not response.errors, response.body
    return {
        r["key"]: {k: v for k, v in r.items() if k not in ("key", "campaign")} for r in response.data["attribution"]
    }


async def test_invited_sign_ups_count_under_the_guides_store(story: Story) -> None:
    assert await rows(story, "STORE") == {
        story.store_id: figures(new=2, purchases=1, revenue=PRICE, issued=2, written=1, sign_ups=2),
        None: figures(new=1, purchases=1, revenue=PRICE, sign_ups=1),
    }


async def test_a_period_in_any_offset_is_the_same_instants(story: Story) -> None:
    utc = await rows(story, "STORE", {"from": "2026-06-01T08:30:00Z", "to": "2026-06-01T10:00:00Z"})
    shanghai = await rows(story, "STORE", {"from": "2026-06-01T16:30:00+08:00", "to": "2026-06-01T18:00:00+08:00"})
    new_york = await rows(story, "STORE", {"from": "2026-06-01T04:30:00-04:00", "to": "2026-06-01T06:00:00-04:00"})
    assert utc == shanghai == new_york and utc[story.store_id]["newMembers"] == 2
    # Just after every touch, in an offset that makes the text sort before them: nothing.
    assert await rows(story, "STORE", {"from": "2026-06-01T18:00:00+08:00", "to": "2026-06-01T20:00:00+08:00"}) == {}


async def test_event_figures_compare_instants(story: Story, clock) -> None:
    # factories.event starts the event on 2027-01-10T02:00Z, that is 10:00 in Shanghai.
    utc = {"from": "2027-01-10T01:30:00Z", "to": "2027-01-10T02:30:00Z"}
    shanghai = {"from": "2027-01-10T09:30:00+08:00", "to": "2027-01-10T10:30:00+08:00"}
    answers = [await story.shop.client.ok(EVENT_FIGURES, period, token=story.shop.hq) for period in (utc, shanghai)]
    assert answers[0] == answers[1] == {"eventAttribution": [{"signUps": 3}]}


async def test_campaign_rules_are_credited_with_what_they_caused(story: Story) -> None:
    assert await rows(story, "CAMPAIGN") == {
        # Two gifts issued, one written off; two purchases rewarded, one of them returned.
        story.campaign_id: figures(purchases=1, revenue=PRICE, issued=2, written=1),
        None: figures(new=3, purchases=1, revenue=PRICE, sign_ups=3),
    }
    filtered = await report(story, "CAMPAIGN", campaign=story.campaign_id)
    assert [(r["key"], r["campaign"]) for r in filtered.data["attribution"]] == [
        (story.campaign_id, {"name": "New mother BOGO"})
    ]


async def test_registration_tags_are_their_own_dimension(story: Story) -> None:
    assert await rows(story, "REGISTRATION_TAG") == {
        "fair": figures(new=1, purchases=1, revenue=PRICE, issued=1, written=1, sign_ups=1),
        "poster": figures(new=1, purchases=1, revenue=PRICE, sign_ups=1),
        None: figures(new=1, purchases=0, revenue=0, issued=1, sign_ups=1),
    }
    assert list(await rows(story, "REGISTRATION_TAG", tag="poster")) == ["poster"]


async def test_channel_keys_and_filters_speak_the_enum(story: Story) -> None:
    assert await rows(story, "CHANNEL") == {
        "GUIDE_QR": figures(new=2, purchases=1, revenue=PRICE, issued=2, written=1, sign_ups=2),
        "ORGANIC": figures(new=1, purchases=1, revenue=PRICE, sign_ups=1),
    }
    assert list(await rows(story, "CHANNEL", channel="GUIDE_QR")) == ["GUIDE_QR"]


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        ({"channel": "guide_qr"}, None),  # not an enum value: GraphQL refuses the variable
        ({"guide": ids.encode("Guide", 999)}, "GUIDE_NOT_FOUND"),
        ({"store": ids.encode("Store", 999)}, "STORE_NOT_FOUND"),
        ({"campaign": ids.encode("Campaign", 999)}, "CAMPAIGN_NOT_FOUND"),
        ({"tag": "no-such-tag"}, "REGISTRATION_TAG_UNKNOWN"),
        ({"guide": ids.encode("Store", 1)}, "INVALID_ID"),
    ],
)
async def test_a_filter_naming_nothing_is_an_error_not_an_empty_report(
    story: Story, filters: dict, code: str | None
) -> None:
    response = await report(story, "STORE", **filters)
    if code is None:
        assert response.status == 400 and response.data is None and response.errors
    else:
        assert response.status == 200 and response.error_codes == [code] and response.data == {"attribution": None}
