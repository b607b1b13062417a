"""Registration and attribution: first touch wins, invites credit the inviter's guide, nothing steals."""

import asyncio

import pytest

from referral.models import BindingReason, Channel, GuideBinding, Member, Touch, TouchKind
from referral.services import guides as guide_service
from schema import ids
from tests import factories
from tests.referral.helpers import SCAN, codes, consumer, register


@pytest.fixture
async def shop(db, settings):
    brand = await factories.brand("acme")
    store = await factories.store(brand, "SH-1")
    guide = await factories.guide(brand, store, "guide-amy")
    other = await factories.guide(brand, store, "guide-bob")
    return brand, store, guide, other


async def test_registering_through_a_guide_qr_attributes_guide_store_and_channel(client, settings, shop, clock) -> None:
    brand, store, guide, _ = shop
    member, token = await consumer(settings, brand, "mum-1")

    payload = await register(client, token, code=guide.invite_code.lower(), profile={"city": "Shanghai"})

    assert payload["errors"] == []
    got = payload["member"]
    assert got["channel"] == "GUIDE_QR" and got["guide"]["inviteCode"] == guide.invite_code
    assert got["guide"]["store"]["code"] == "SH-1" and got["city"] == "Shanghai"
    row = await Member.get(id=member.id)
    assert (row.origin_guide_id, row.origin_store_id, row.guide_id) == (guide.id, store.id, guide.id)
    binding = await GuideBinding.get(member_id=member.id)
    assert (binding.guide_id, binding.reason, binding.started_at, binding.ended_at) == (
        guide.id,
        BindingReason.REGISTRATION,
        clock.now,
        None,
    )
    touch = await Touch.get(member_id=member.id)
    assert (touch.kind, touch.guide_id, touch.channel) == (TouchKind.REGISTRATION, guide.id, Channel.GUIDE_QR)


async def test_registering_twice_is_refused_and_changes_nothing(client, settings, shop) -> None:
    brand, _, guide, other = shop
    member, token = await consumer(settings, brand, "mum-1")
    await register(client, token, code=guide.invite_code)
    again = await register(client, token, code=other.invite_code)
    assert codes(again) == ["ALREADY_REGISTERED"] and again["member"] is None
    assert (await Member.get(id=member.id)).guide_id == guide.id
    assert await GuideBinding.filter(member_id=member.id).count() == 1


async def test_a_friend_invite_sets_the_referrer_and_credits_the_friends_guide(client, settings, shop) -> None:
    brand, store, guide, _ = shop
    friend, friend_token = await consumer(settings, brand, "friend")
    await register(client, friend_token, code=guide.invite_code)
    newcomer, token = await consumer(settings, brand, "newcomer")

    payload = await register(client, token, code=friend.invite_code)

    assert payload["errors"] == [] and payload["member"]["channel"] == "MEMBER_INVITE"
    assert payload["member"]["referrer"]["id"] == ids.encode("Member", friend.id)
    row = await Member.get(id=newcomer.id)
    assert (row.referrer_id, row.guide_id, row.origin_guide_id) == (friend.id, guide.id, guide.id)
    referral = await Touch.get(member_id=friend.id, kind=TouchKind.REFERRAL)
    assert (referral.other_member_id, referral.guide_id) == (newcomer.id, guide.id)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("not a code", "CODE_INVALID"), ("G12345678X", "CODE_INVALID"), ("", None), ("ZZZZ", "CODE_INVALID")],
)
async def test_malformed_codes_are_refused_before_any_lookup(client, settings, shop, code, expected) -> None:
    brand, *_ = shop
    member, token = await consumer(settings, brand, "mum")
    payload = await register(client, token, code=code)
    if expected is None:  # an empty code means "no code": organic
        assert payload["errors"] == [] and payload["member"]["channel"] == "ORGANIC"
    else:
        assert codes(payload) == [expected]
        assert (await Member.get(id=member.id)).registered_at is None


async def test_a_mistyped_code_is_caught_by_its_check_character(client, settings, shop) -> None:
    brand, _, guide, _ = shop
    _, token = await consumer(settings, brand, "mum")
    code = guide.invite_code
    typo = code[:3] + ("0" if code[3] != "0" else "1") + code[4:]
    assert codes(await register(client, token, code=typo)) == ["CODE_INVALID"]
    # Look-alikes are forgiven: O for 0, I or L for 1, any case, spaces and dashes.
    forgiving = code.replace("0", "O").replace("1", "l").lower()
    forgiving = forgiving[:4] + "-" + forgiving[4:]
    assert (await register(client, token, code=forgiving))["errors"] == []


async def test_other_brands_codes_own_code_and_unregistered_inviters_are_refused(client, settings, shop) -> None:
    brand, *_ = shop
    rival = await factories.brand("rival")
    rival_guide = await factories.guide(rival, await factories.store(rival, "R1"), "rg")
    aware_friend, _ = await consumer(settings, brand, "aware")
    member, token = await consumer(settings, brand, "mum")

    assert codes(await register(client, token, code=rival_guide.invite_code)) == ["CODE_UNKNOWN"]
    assert codes(await register(client, token, code=member.invite_code)) == ["INVITE_SELF"]
    assert codes(await register(client, token, code=aware_friend.invite_code)) == ["INVITER_NOT_REGISTERED"]
    assert (await Member.get(id=member.id)).registered_at is None
    assert await Touch.all().count() == 0


async def test_an_inactive_guide_recruits_no_one(client, settings, shop, clock) -> None:
    brand, _, guide, _ = shop
    await guide_service.deactivate(brand_id=brand.id, guide_id=guide.id, now=clock.now)
    member, token = await consumer(settings, brand, "mum")
    assert codes(await register(client, token, code=guide.invite_code)) == ["GUIDE_INACTIVE"]
    assert (await Member.get(id=member.id)).registered_at is None


async def test_without_a_code_the_earliest_scanned_guide_wins(client, settings, shop, clock) -> None:
    brand, _, guide, other = shop
    member, token = await consumer(settings, brand, "browsing-mum")
    await client.mutate("scanCode", SCAN, {"code": other.invite_code}, token=token)
    clock.advance(hours=2)
    await client.mutate("scanCode", SCAN, {"code": guide.invite_code}, token=token)
    clock.advance(days=1)
    payload = await register(client, token)
    assert payload["errors"] == [] and payload["member"]["channel"] == "GUIDE_QR"
    assert (await Member.get(id=member.id)).guide_id == other.id


async def test_organic_registration_has_no_guide(client, settings, shop) -> None:
    brand, *_ = shop
    member, token = await consumer(settings, brand, "walk-in")
    payload = await register(client, token, channel="PRODUCT_SCAN", campaign="spring-can")
    assert payload["errors"] == [] and payload["member"]["channel"] == "PRODUCT_SCAN"
    assert payload["member"]["guide"] is None
    touch = await Touch.get(member_id=member.id)
    assert (touch.campaign, touch.guide_id) == ("spring-can", None)


async def test_racing_registrations_of_one_member_give_one_winner(client, settings, shop) -> None:
    brand, store, guide, other = shop
    member, token = await consumer(settings, brand, "racer")
    friend, friend_token = await consumer(settings, brand, "friend")
    await register(client, friend_token, code=other.invite_code)
    attempts = [guide.invite_code, other.invite_code, friend.invite_code] * 8

    payloads = await asyncio.gather(*(register(client, token, code=c) for c in attempts))

    outcomes = sorted(codes(p)[0] if p["errors"] else "OK" for p in payloads)
    assert outcomes.count("OK") == 1 and set(outcomes) == {"OK", "ALREADY_REGISTERED"}
    assert await GuideBinding.filter(member_id=member.id).count() == 1
    assert await Touch.filter(member_id=member.id, kind=TouchKind.REGISTRATION).count() == 1
    assert await Touch.filter(kind=TouchKind.REFERRAL).count() <= 1
