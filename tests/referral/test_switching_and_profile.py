"""A later scan does not steal a member unless the brand allows switching; profile fields are validated."""

import asyncio
from datetime import date

import pytest

from referral.models import BindingReason, GuideBinding, Member, Touch, TouchKind
from referral.services import policy as policies
from tests import factories
from tests.referral.helpers import SCAN, codes, consumer, register

POLICY = "mutation($i: ReferralPolicyInput!) { updateReferralPolicy(input: $i) { errors { code field } } }"
PROFILE = """mutation($i: ProfileInput!) {
  updateProfile(input: $i) { member { name phone city gender birthday babyDueDate babyBirthDate } errors { code field } }
}"""


@pytest.fixture
async def bound(db, settings, client):
    brand = await factories.brand("acme")
    store = await factories.store(brand, "SH-1")
    first = await factories.guide(brand, store, "first")
    second = await factories.guide(brand, store, "second")
    hq = factories.staff_token(settings, await factories.staff(brand))
    member, token = await consumer(settings, brand, "mum")
    await register(client, token, code=first.invite_code)
    return brand, first, second, hq, member, token


async def test_a_later_scan_is_a_touch_not_a_steal(client, bound) -> None:
    _, first, second, _, member, token = bound
    scan = await client.mutate("scanCode", SCAN, {"code": second.invite_code}, token=token)
    assert scan["errors"] == [] and scan["switched"] is False and scan["guide"]
    assert (await Member.get(id=member.id)).guide_id == first.id
    touch = await Touch.get(member_id=member.id, kind=TouchKind.GUIDE_SCAN)
    assert touch.guide_id == second.id


async def test_switching_waits_for_the_policy_period(client, bound, clock) -> None:
    _, first, second, hq, member, token = bound
    policy = await client.mutate(
        "updateReferralPolicy", POLICY, {"i": {"allowGuideSwitch": True, "switchAfterDays": 30}}, token=hq
    )
    assert policy["errors"] == []
    clock.advance(days=29)
    early = await client.mutate("scanCode", SCAN, {"code": second.invite_code}, token=token)
    assert early["switched"] is False
    clock.advance(days=1)
    late = await client.mutate("scanCode", SCAN, {"code": second.invite_code}, token=token)
    assert late["switched"] is True
    row = await Member.get(id=member.id)
    assert (row.guide_id, row.origin_guide_id) == (second.id, first.id)
    history = await GuideBinding.filter(member_id=member.id).order_by("started_at")
    assert [(b.guide_id, b.reason, b.ended_at) for b in history] == [
        (first.id, BindingReason.REGISTRATION, clock.now),
        (second.id, BindingReason.SWITCH, None),
    ]
    again = await client.mutate("scanCode", SCAN, {"code": second.invite_code}, token=token)
    assert again["switched"] is False  # already theirs


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"switchAfterDays": -1}, "switchAfterDays"),
        ({"lapsedAfterDays": 0}, "lapsedAfterDays"),
        ({"inviteUrlBase": "ftp://x"}, "inviteUrlBase"),
    ],
)
async def test_bad_policy_values_are_refused(client, bound, policy, field) -> None:
    *_, hq, _, _ = bound
    payload = await client.mutate("updateReferralPolicy", POLICY, {"i": policy}, token=hq)
    assert payload["errors"] == [{"code": "POLICY_INVALID", "field": field}]


async def test_profile_edits_store_normalised_values(client, bound, clock) -> None:
    *_, member, token = bound
    payload = await client.mutate(
        "updateProfile",
        PROFILE,
        {
            "i": {
                "name": "  Li Na ",
                "phone": "138 1234 5678",
                "phoneConsent": True,
                "city": "Hangzhou",
                "gender": "FEMALE",
                "birthday": "1994-03-02",
                "babyDueDate": "2026-09-01",
            }
        },
        token=token,
    )
    assert payload["errors"] == []
    assert payload["member"] == {
        "name": "Li Na",
        "phone": "+8613812345678",
        "city": "Hangzhou",
        "gender": "FEMALE",
        "birthday": "1994-03-02",
        "babyDueDate": "2026-09-01",
        "babyBirthDate": None,
    }
    row = await Member.get(id=member.id)
    assert row.phone_consent_at == clock.now
    cleared = await client.mutate("updateProfile", PROFILE, {"i": {"phone": None}}, token=token)
    assert cleared["member"]["phone"] is None and cleared["member"]["name"] == "Li Na"
    assert (await Member.get(id=member.id)).phone_consent_at is None


@pytest.mark.parametrize(
    ("profile", "code", "field"),
    [
        ({"phone": "12345"}, "PHONE_INVALID", "phone"),
        ({"phone": "+8613812345678"}, "PHONE_CONSENT_REQUIRED", "phoneConsent"),
        ({"birthday": "2030-01-01"}, "DATE_INVALID", "birthday"),
        ({"babyDueDate": "2028-01-01"}, "DATE_INVALID", "babyDueDate"),
        ({"babyBirthDate": "2010-01-01"}, "DATE_INVALID", "babyBirthDate"),
        ({"name": "x" * 65}, "NAME_INVALID", "name"),
        ({"name": "bad\u0007bell"}, "NAME_INVALID", "name"),
        ({"city": "c" * 80}, "CITY_INVALID", "city"),
    ],
)
async def test_invalid_profile_input_is_refused_and_changes_nothing(client, bound, profile, code, field) -> None:
    *_, member, token = bound
    before = await Member.get(id=member.id)
    payload = await client.mutate(
        "updateProfile", PROFILE, {"i": profile | {"city": profile.get("city", "Ningbo")}}, token=token
    )
    assert payload["errors"] == [{"code": code, "field": field}] and payload["member"] is None
    after = await Member.get(id=member.id)
    assert (after.city, after.phone, after.birthday, after.name) == (
        before.city,
        before.phone,
        before.birthday,
        before.name,
    )


async def test_registration_validates_profile_too(client, db, settings) -> None:
    brand = await factories.brand("acme")
    member, token = await consumer(settings, brand, "mum")
    payload = await register(client, token, profile={"phone": "+66812345678"})
    assert codes(payload) == ["PHONE_CONSENT_REQUIRED"]
    payload = await register(
        client,
        token,
        profile={"phone": "+66 81 234 5678", "phoneConsent": True, "babyBirthDate": date(2026, 5, 1).isoformat()},
    )
    assert payload["errors"] == [] and payload["member"]["phone"] == "+66812345678"


async def test_two_hq_edits_of_different_settings_both_stand(db) -> None:
    brand = await factories.brand("acme")
    await policies.get(brand_id=brand.id)
    for i in range(1, 11):
        await asyncio.gather(
            policies.update(brand_id=brand.id, lapsed_after_days=i),
            policies.update(brand_id=brand.id, vip_revenue_cents=i * 100),
            policies.update(brand_id=brand.id, invite_url_base=f"https://mp.example.com/i{i}"),
        )
        policy = await policies.get(brand_id=brand.id)
        assert (policy.lapsed_after_days, policy.vip_revenue_cents, policy.invite_url_base) == (
            i,
            i * 100,
            f"https://mp.example.com/i{i}",
        )
