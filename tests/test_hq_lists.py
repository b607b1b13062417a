"""What a screen needs: HQ's lists with search and cursor pages (members, code batches, coupon
templates), the points shop for members, and a coupon that says what it is."""

from __future__ import annotations

from access.models import StaffRole
from referral.models import Member
from referral.services import tags
from tests import factories
from tests.loyalty.scenario import gid, open_shop

MEMBERS = """query($s: String, $t: ID, $g: ID, $st: ID, $after: String) {
  members(search: $s, tagId: $t, guideId: $g, storeId: $st, first: 2, after: $after) {
    nodes { id } pageInfo { hasNextPage endCursor } } }"""


async def test_hq_finds_members_by_phone_ending_tag_guide_and_store(client, settings) -> None:
    shop = await open_shop(client, settings)
    other_store = await factories.store(shop.brand, "S2")
    other_guide = await factories.guide(shop.brand, other_store, "bo")
    mums = [(await shop.mother(f"mum{i}", via=shop.guide.invite_code))[0] for i in range(3)]
    far, _ = await shop.mother("far", via=other_guide.invite_code)
    await Member.filter(id=mums[1].id).update(phone="+8613812345678", name="Li Na")
    vic = await tags.create(brand_id=shop.brand.id, name="VIC")
    await tags.attach(brand_id=shop.brand.id, member_id=mums[2].id, tag_id=vic.id)

    async def found(token: str, **variables: object) -> list[str]:
        ids, after = [], None
        while True:
            page = (await client.ok(MEMBERS, {**variables, "after": after}, token=token))["members"]
            ids += [n["id"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                return ids
            after = page["pageInfo"]["endCursor"]

    hq = shop.hq
    assert await found(hq) == [gid("Member", m.id) for m in (*mums, far)]  # all of them, over two pages
    assert await found(hq, s="5678") == [gid("Member", mums[1].id)]
    assert await found(hq, s="45678") == []  # only the last four digits or the whole number
    assert await found(hq, s="li na") == [gid("Member", mums[1].id)]
    assert await found(hq, t=gid("Tag", vic.id)) == [gid("Member", mums[2].id)]
    assert await found(hq, g=gid("Guide", other_guide.id)) == [gid("Member", far.id)]
    assert await found(hq, st=gid("Store", other_store.id)) == [gid("Member", far.id)]

    manager = factories.staff_token(
        settings, await factories.staff(shop.brand, "mgr2", StaffRole.STORE_MANAGER, other_store)
    )
    assert await found(manager) == [gid("Member", far.id)]  # their store's only
    assert await found(manager, st=gid("Store", shop.store.id)) == []


async def test_code_batches_newest_first_with_search(client, settings) -> None:
    shop = await open_shop(client, settings)
    await shop.batch_of("GOLD-800G")
    query = "query($s: String) { codeBatches(search: $s) { nodes { sku exportPath } } }"
    assert [n["sku"] for n in (await client.ok(query, {}, token=shop.hq))["codeBatches"]["nodes"]] == [
        "GOLD-800G",
        "MILK-900G",
    ]
    assert [n["sku"] for n in (await client.ok(query, {"s": "gold"}, token=shop.hq))["codeBatches"]["nodes"]] == [
        "GOLD-800G"
    ]


async def test_the_points_shop_for_members_and_every_template_for_hq(client, settings) -> None:
    shop = await open_shop(client, settings)
    await shop.template(name="Gift can")
    await shop.template(name="50 off", kind="DISCOUNT", valueCents=5000, pointsPrice=300)
    _, token = await shop.mother("mum")
    query = "{ couponTemplates { nodes { name kind pointsPrice value { amount currency } } } }"

    member_view = (await client.ok(query, token=token))["couponTemplates"]["nodes"]
    hq_view = (await client.ok(query, token=shop.hq))["couponTemplates"]["nodes"]

    assert member_view == [
        {"name": "50 off", "kind": "DISCOUNT", "pointsPrice": 300, "value": {"amount": 5000, "currency": "CNY"}}
    ]
    assert [t["name"] for t in hq_view] == ["Gift can", "50 off"]


async def test_a_coupon_says_what_it_is(client, settings) -> None:
    shop = await open_shop(client, settings)
    template = await shop.template(name="50 off", kind="DISCOUNT", valueCents=5000)
    await shop.campaign(firstPurchase=True, couponTemplateId=template)
    _, token = await shop.mother("mum")
    await shop.claim(token)
    coupons = await client.ok(
        "{ myCoupons { nodes { template { name kind value { amount currency digits } } } } }", token=token
    )
    assert coupons["myCoupons"]["nodes"] == [
        {"template": {"name": "50 off", "kind": "DISCOUNT", "value": {"amount": 5000, "currency": "CNY", "digits": 2}}}
    ]
