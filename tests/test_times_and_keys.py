"""Times the client sends are instants or typed refusals; idempotency keys never answer for other arguments."""

from __future__ import annotations

import asyncio

import pytest

from events.models import Event
from loyalty.models import Claim, Coupon
from referral.models import Member
from schema import ids
from tests import factories
from tests.client import GraphQLClient

CREATE_EVENT = (
    """mutation($i: EventInput!) { createEvent(input: $i) { event { id startsAt } errors { code field } } }"""
)


@pytest.fixture
async def hq(db, settings) -> str:
    brand = await factories.brand("acme")
    return factories.staff_token(settings, await factories.staff(brand))


def event_input(starts: str, ends: str) -> dict:
    return {"title": "Baby yoga", "startsAt": starts, "endsAt": ends, "capacity": 10, "place": "Store"}


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("2027-01-10T10:00:00", "2027-01-10T12:00:00"),  # no offset: which 10:00?
        ("0001-01-01T00:00:00+08:00", "2027-01-10T12:00:00Z"),  # overflowed when converted to UTC
        ("2027-01-10T10:00:00Z", "9999-12-31T23:59:59-01:00"),
        ("2027-01-10T10:00:00Z", "not a time"),
    ],
)
async def test_a_time_without_offset_or_out_of_range_is_refused_with_a_code(
    client: GraphQLClient, hq: str, starts: str, ends: str
) -> None:
    response = await client.post(CREATE_EVENT, {"i": event_input(starts, ends)}, token=hq)
    assert response.status == 400 and response.data is None
    assert set(response.error_codes) == {"DATETIME_INVALID"}
    assert await Event.all().count() == 0


async def test_a_time_in_a_literal_is_checked_the_same_way(client: GraphQLClient, hq: str) -> None:
    literal = (
        'mutation { createEvent(input: {title: "Yoga", startsAt: "2027-01-10T10:00:00", '
        'endsAt: "2027-01-10T12:00:00Z", capacity: 5, place: "Store"}) { errors { code } } }'
    )
    response = await client.post(literal, token=hq)
    assert response.status == 400 and response.error_codes == ["DATETIME_INVALID"]


async def test_an_offset_time_is_stored_as_its_instant(client: GraphQLClient, hq: str) -> None:
    made = await client.mutate(
        "createEvent",
        CREATE_EVENT,
        {"i": event_input("2027-01-10T10:00:00+08:00", "2027-01-10T12:00:00+08:00")},
        token=hq,
    )
    assert made["errors"] == [] and made["event"]["startsAt"] == "2027-01-10T02:00:00+00:00"


ISSUE = """mutation($t: ID!, $m: ID!, $k: String) {
  issueCoupon(templateId: $t, memberId: $m, idempotencyKey: $k) { coupon { id } errors { code field } } }"""
BUY = "mutation($t: ID!, $k: String) { buyCoupon(templateId: $t, idempotencyKey: $k) { coupon { id } errors { code field } } }"
WRITE_OFF = """mutation($c: String!, $k: String) {
  writeOffCoupon(code: $c, idempotencyKey: $k) { coupon { id } errors { code field } } }"""
REUSED = [{"code": "IDEMPOTENCY_KEY_REUSED", "field": "idempotencyKey"}]


@pytest.fixture
async def shop(client: GraphQLClient, settings):
    from tests.loyalty.scenario import open_shop

    return await open_shop(client, settings)


async def test_a_claim_key_sent_with_another_code_is_refused_and_claims_nothing(shop) -> None:
    _, token = await shop.mother("mum")
    first, second = shop.code(), shop.code()
    claimed = await shop.claim(token, first, key="claim-key-0001")
    assert claimed["errors"] == [] and claimed["replayed"] is False
    retried = await shop.claim(token, first, key="claim-key-0001")
    assert retried["errors"] == [] and retried["replayed"] is True
    other = await shop.claim(token, second, key="claim-key-0001")
    assert other["errors"] == REUSED and other["claim"] is None
    elsewhere = await shop.claim(token, first, key="claim-key-0001", city="Hangzhou")
    assert elsewhere["errors"] == REUSED
    assert await Claim.all().count() == 1
    # The second code is still there to be claimed, with a key of its own.
    assert (await shop.claim(token, second, key="claim-key-0002"))["errors"] == []


async def test_coupon_keys_answer_only_their_own_request(shop, settings) -> None:
    gift, bib = await shop.template(name="Gift"), await shop.template(name="Bib", pointsPrice=10, perMemberLimit=5)
    mum, token = await shop.mother("mum")
    dad, _ = await shop.mother("dad")
    await shop.claim(token)
    mum_id, dad_id = ids.encode("Member", mum.id), ids.encode("Member", dad.id)
    issue = lambda t, m: shop.client.mutate("issueCoupon", ISSUE, {"t": t, "m": m, "k": "hq-issue-01"}, token=shop.hq)  # noqa: E731
    first = await issue(gift, mum_id)
    assert first["errors"] == [] and (await issue(gift, mum_id))["coupon"] == first["coupon"]
    assert (await issue(gift, dad_id))["errors"] == REUSED
    assert (await issue(bib, mum_id))["errors"] == REUSED
    buy = lambda t: shop.client.mutate("buyCoupon", BUY, {"t": t, "k": "buy-key-0001"}, token=token)  # noqa: E731
    bought = await buy(bib)
    assert bought["errors"] == [] and (await buy(bib))["coupon"] == bought["coupon"]
    assert (await shop.points(token))["balance"] == 20
    too_long = await shop.client.mutate("issueCoupon", ISSUE, {"t": gift, "m": dad_id, "k": "k" * 65}, token=shop.hq)
    assert too_long["errors"] == [{"code": "IDEMPOTENCY_KEY_INVALID", "field": "idempotencyKey"}]
    assert await Coupon.all().count() == 2

    guide_token = factories.member_token(settings, await Member.get(id=shop.guide.member_id))
    codes = [c.code for c in await Coupon.all().order_by("id")]
    write_off = lambda c: shop.client.mutate(
        "writeOffCoupon", WRITE_OFF, {"c": c, "k": "write-off-01"}, token=guide_token
    )  # noqa: E731
    used = await write_off(codes[0])
    assert used["errors"] == [] and (await write_off(codes[0]))["errors"] == []
    assert (await write_off(codes[1]))["errors"] == REUSED
    assert [c.status.value for c in await Coupon.all().order_by("id")] == ["written_off", "issued"]


async def test_one_key_racing_on_two_requests_acts_once(shop, settings) -> None:
    # The services check a key before acting; two requests racing past that check are stopped by the
    # database (loyalty 0007's unique indexes), never by luck.
    gift = await shop.template(name="Gift", perMemberLimit=5)
    mum, token = await shop.mother("mum")
    dad, _ = await shop.mother("dad")
    await shop.claim(token)
    members = [ids.encode("Member", m.id) for m in (mum, dad)]
    issued = await asyncio.gather(
        *(
            shop.client.mutate("issueCoupon", ISSUE, {"t": gift, "m": m, "k": "hq-race-01"}, token=shop.hq)
            for m in members
        )
    )
    assert sorted(len(r["errors"]) for r in issued) == [0, 1]
    assert [r["errors"] for r in issued if r["errors"]] == [REUSED]
    assert await Coupon.filter(idempotency_key="hq-race-01").count() == 1

    for key in ("hq-race-02", "hq-race-03"):
        await shop.client.mutate("issueCoupon", ISSUE, {"t": gift, "m": members[0], "k": key}, token=shop.hq)
    guide_token = factories.member_token(settings, await Member.get(id=shop.guide.member_id))
    codes = [c.code for c in await Coupon.filter(idempotency_key__in=["hq-race-02", "hq-race-03"])]
    assert len(codes) == 2
    used = await asyncio.gather(
        *(
            shop.client.mutate("writeOffCoupon", WRITE_OFF, {"c": c, "k": "write-race-1"}, token=guide_token)
            for c in codes
        )
    )
    assert sorted(len(r["errors"]) for r in used) == [0, 1]
    assert [r["errors"] for r in used if r["errors"]] == [REUSED]
    assert await Coupon.filter(write_off_key="write-race-1").count() == 1
    assert await Coupon.filter(status="written_off").count() == 1
