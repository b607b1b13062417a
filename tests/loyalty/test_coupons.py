"""Coupons: limits that hold under concurrency, write-off exactly once, in the right store, in time."""

import asyncio
import base64
import io

import PIL.Image
import pytest
import zxingcpp

from loyalty.errors import LoyaltyError
from loyalty.models import Coupon, CouponKind, CouponStatus, CouponTemplate
from loyalty.services import coupons, write_offs
from referral.models import Member, Touch, TouchKind
from schema import ids
from tests import factories
from tests.referral.helpers import consumer, register

TEMPLATE = """mutation($i: CouponTemplateInput!) {
  createCouponTemplate(input: $i) { template { id issuedCount } errors { code field } } }"""
ISSUE = """mutation($t: ID!, $m: ID!, $k: String) {
  issueCoupon(templateId: $t, memberId: $m, idempotencyKey: $k) { coupon { id code status expiresAt } errors { code field } } }"""
WRITE_OFF = """mutation($c: String!, $k: String) {
  writeOffCoupon(code: $c, idempotencyKey: $k) { coupon { id status writtenOffAt } errors { code field } } }"""


@pytest.fixture
async def shop(db, settings, client):
    brand = await factories.brand("acme")
    s1, s2 = await factories.store(brand, "S1"), await factories.store(brand, "S2")
    g1, g2 = await factories.guide(brand, s1, "g1"), await factories.guide(brand, s2, "g2")
    tokens = {
        g: factories.member_token(settings, await Member.get(id=guide.member_id))
        for g, guide in (("g1", g1), ("g2", g2))
    }
    hq = factories.staff_token(settings, await factories.staff(brand))
    mum, mum_token = await consumer(settings, brand, "mum")
    await register(client, mum_token, code=g1.invite_code)
    template = await client.mutate(
        "createCouponTemplate",
        TEMPLATE,
        {
            "i": {
                "name": "Buy one get one",
                "kind": "GIFT",
                "validDays": 30,
                "totalLimit": 50,
                "perMemberLimit": 1,
                "storeIds": [ids.encode("Store", s1.id)],
            }
        },
        token=hq,
    )
    assert template["errors"] == []
    return dict(
        brand=brand,
        s1=s1,
        s2=s2,
        g1=g1,
        g2=g2,
        tokens=tokens,
        hq=hq,
        mum=mum,
        mum_token=mum_token,
        template=template["template"]["id"],
    )


async def issue(client, shop, member=None, key=None) -> dict:
    member = member or shop["mum"]
    return await client.mutate(
        "issueCoupon", ISSUE, {"t": shop["template"], "m": ids.encode("Member", member.id), "k": key}, token=shop["hq"]
    )


async def test_issue_show_and_write_off_once_in_the_right_store(client, shop, clock) -> None:
    issued = await issue(client, shop)
    assert issued["errors"] == [] and issued["coupon"]["status"] == "ISSUED"
    code = issued["coupon"]["code"]
    mine = await client.ok("{ myCoupons { nodes { code status qr { dataBase64 } } } }", token=shop["mum_token"])
    node = mine["myCoupons"]["nodes"][0]
    image = PIL.Image.open(io.BytesIO(base64.b64decode(node["qr"]["dataBase64"])))
    assert node["code"] == code and zxingcpp.read_barcodes(image)[0].text == code

    wrong_store = await client.mutate("writeOffCoupon", WRITE_OFF, {"c": code, "k": None}, token=shop["tokens"]["g2"])
    assert wrong_store["errors"] == [{"code": "COUPON_WRONG_STORE", "field": "code"}]
    typed = code.lower().replace("0", "o").replace("1", "l")
    used = await client.mutate("writeOffCoupon", WRITE_OFF, {"c": typed, "k": "wo-000001"}, token=shop["tokens"]["g1"])
    assert used["errors"] == [] and used["coupon"]["status"] == "WRITTEN_OFF"
    retry = await client.mutate("writeOffCoupon", WRITE_OFF, {"c": code, "k": "wo-000001"}, token=shop["tokens"]["g1"])
    assert retry["errors"] == [] and retry["coupon"] == used["coupon"]
    twice = await client.mutate("writeOffCoupon", WRITE_OFF, {"c": code, "k": None}, token=shop["tokens"]["g1"])
    assert twice["errors"] == [{"code": "COUPON_ALREADY_WRITTEN_OFF", "field": "code"}]
    credited = await Touch.get(kind=TouchKind.COUPON_WRITTEN_OFF)
    assert (credited.member_id, credited.guide_id, credited.store_id) == (shop["mum"].id, shop["g1"].id, shop["s1"].id)


async def test_expired_cancelled_mistyped_and_over_the_member_limit(client, shop, clock) -> None:
    first = (await issue(client, shop))["coupon"]
    assert (await issue(client, shop))["errors"] == [{"code": "COUPON_MEMBER_LIMIT_REACHED", "field": "memberId"}]
    assert (await CouponTemplate.get(id=ids.decode(shop["template"], "CouponTemplate"))).issued_count == 1
    code = first["code"]
    typo = code[:4] + ("2" if code[4] != "2" else "3") + code[5:]
    assert (await client.mutate("writeOffCoupon", WRITE_OFF, {"c": typo, "k": None}, token=shop["tokens"]["g1"]))[
        "errors"
    ] == [{"code": "COUPON_CODE_INVALID", "field": "code"}]
    clock.advance(days=30, seconds=1)
    assert (await client.mutate("writeOffCoupon", WRITE_OFF, {"c": code, "k": None}, token=shop["tokens"]["g1"]))[
        "errors"
    ] == [{"code": "COUPON_EXPIRED", "field": "code"}]
    cancelled = await client.mutate(
        "cancelCoupon",
        "mutation($c: ID!) { cancelCoupon(couponId: $c) { coupon { status } errors { code } } }",
        {"c": first["id"]},
        token=shop["hq"],
    )
    assert cancelled == {"coupon": {"status": "CANCELLED"}, "errors": []}
    clock.advance(days=-30)
    assert (await client.mutate("writeOffCoupon", WRITE_OFF, {"c": code, "k": None}, token=shop["tokens"]["g1"]))[
        "errors"
    ] == [{"code": "COUPON_CANCELLED", "field": "code"}]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"validDays": 0}, "validDays"),
        ({"totalLimit": 0}, "totalLimit"),
        ({"name": " "}, "name"),
        ({"perMemberLimit": 0}, "perMemberLimit"),
    ],
)
async def test_bad_templates_are_refused(client, shop, changes, field) -> None:
    base = {"name": "X", "kind": "DISCOUNT", "validDays": 5}
    payload = await client.mutate("createCouponTemplate", TEMPLATE, {"i": base | changes}, token=shop["hq"])
    assert (
        payload["errors"] == [{"code": "TEMPLATE_INVALID", "field": field}] and await CouponTemplate.all().count() == 1
    )


async def test_500_simultaneous_issues_of_a_50_coupon_template_give_exactly_50(shop, clock) -> None:
    brand = shop["brand"]
    template = await coupons.create_template(
        brand_id=brand.id, name="Launch", kind=CouponKind.GIFT, valid_days=7, total_limit=50
    )
    people = [await factories.member(brand, f"p{i}") for i in range(250)]

    async def attempt(member_id: int) -> str:
        try:
            await coupons.issue(brand_id=brand.id, template_id=template.id, member_id=member_id, now=clock.now)
            return "OK"
        except LoyaltyError as exc:
            return exc.code.value

    # Each of 250 members asks twice at once: 500 requests racing for 50 coupons, one per member.
    outcomes = await asyncio.gather(*(attempt(p.id) for p in people for _ in range(2)))
    assert outcomes.count("OK") == 50
    assert set(outcomes) <= {"OK", "COUPON_LIMIT_REACHED", "COUPON_MEMBER_LIMIT_REACHED"}
    rows = await Coupon.filter(template_id=template.id)
    assert len(rows) == 50 and len({c.member_id for c in rows}) == 50
    assert (await CouponTemplate.get(id=template.id)).issued_count == 50


async def test_100_simultaneous_write_offs_of_one_coupon_give_exactly_one(shop, clock) -> None:
    brand = shop["brand"]
    template = await CouponTemplate.get(id=ids.decode(shop["template"], "CouponTemplate"))
    coupon = await coupons.issue(brand_id=brand.id, template_id=template.id, member_id=shop["mum"].id, now=clock.now)

    async def attempt() -> str:
        try:
            await write_offs.write_off(
                brand_id=brand.id, code=coupon.code, guide_id=shop["g1"].id, store_id=shop["s1"].id, now=clock.now
            )
            return "OK"
        except LoyaltyError as exc:
            return exc.code.value

    outcomes = await asyncio.gather(*(attempt() for _ in range(100)))
    assert outcomes.count("OK") == 1 and set(outcomes) == {"OK", "COUPON_ALREADY_WRITTEN_OFF"}
    assert (await Coupon.get(id=coupon.id)).status is CouponStatus.WRITTEN_OFF
    assert await Touch.filter(kind=TouchKind.COUPON_WRITTEN_OFF).count() == 1


async def test_an_unlimited_template_is_counted_from_its_coupons_not_on_a_hot_row(shop, clock) -> None:
    brand = shop["brand"]
    gift = await coupons.create_template(brand_id=brand.id, name="BOGO", kind=CouponKind.GIFT, valid_days=30)
    people = [await factories.member(brand, f"u{i}") for i in range(3)]
    await asyncio.gather(
        *(coupons.issue(brand_id=brand.id, template_id=gift.id, member_id=p.id, now=clock.now) for p in people)
    )
    # Every first purchase of launch day issues this gift: its row is never locked to count them.
    assert (await CouponTemplate.get(id=gift.id)).issued_count == 0
    limited = ids.decode(shop["template"], "CouponTemplate")
    assert await coupons.issued_counts([gift.id, limited]) == {gift.id: 3, limited: 0}
