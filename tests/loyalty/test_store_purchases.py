"""Till purchases recorded by a guide: points by the products' rule, one purchase per item credited
to the member's guide, in the reports like scanned cans; a receipt counts once (retries and races);
the member found by code or phone digits; bad input refused with nothing written."""

from __future__ import annotations

import asyncio

import pytest

from access.models import StaffRole
from loyalty.models import PointsAccount, StorePurchase
from referral.models import Member, Touch, TouchKind
from tests import factories
from tests.loyalty.scenario import Shop, gid, open_shop

RECORD = """mutation($i: StorePurchaseInput!) { recordStorePurchase(input: $i) {
  purchase { receiptNumber points total { amount } member { id } } replayed errors { code field } } }"""
BY_PRODUCT = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: PRODUCT) {
  key purchases revenue { amount } } }"""
YEAR = {"f": "2026-01-01T00:00:00Z", "t": "2027-01-01T00:00:00Z"}


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    shop = await open_shop(client, settings)
    await shop.batch_of("GOLD-800G", points=50)
    return shop


async def _guide(shop: Shop) -> str:
    return factories.member_token(shop.settings, await Member.get(id=shop.guide.member_id))


def receipt(number: str = "R-0001", **who: str) -> dict:
    items = [{"sku": "MILK-900G", "quantity": 2, "price": 29_900}, {"sku": "GOLD-800G", "price": 39_900}]
    return {"receiptNumber": number, "items": items, **who}


async def test_a_receipt_earns_points_and_counts_per_item_once(shop) -> None:
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    guide = await _guide(shop)
    done = await shop.client.mutate(
        "recordStorePurchase", RECORD, {"i": receipt(memberCode=mum.invite_code)}, token=guide
    )
    again = await shop.client.mutate(
        "recordStorePurchase", RECORD, {"i": receipt(memberCode=mum.invite_code)}, token=guide
    )

    expected = {
        "receiptNumber": "R-0001",
        "points": 2 * 30 + 50,
        "total": {"amount": 99_700},
        "member": {"id": gid("Member", mum.id)},
    }
    assert done == {"purchase": expected, "replayed": False, "errors": []}
    assert again == {"purchase": expected, "replayed": True, "errors": []}
    account = await PointsAccount.get(member_id=mum.id)
    assert (account.balance, account.purchases) == (110, 3)
    bought = await Touch.filter(member_id=mum.id, kind=TouchKind.PURCHASE).values_list(
        "product", "amount_cents", "guide_id"
    )
    assert sorted(bought) == [("GOLD-800G", 39_900, shop.guide.id)] + [("MILK-900G", 29_900, shop.guide.id)] * 2
    rows = (await shop.client.ok(BY_PRODUCT, YEAR, token=shop.hq))["attribution"]
    by_sku = {r["key"]: (r["purchases"], r["revenue"]["amount"]) for r in rows if r["key"]}
    assert by_sku == {"GOLD-800G": (1, 39_900), "MILK-900G": (2, 59_800)}


async def test_the_same_receipt_racing_itself_counts_once(shop) -> None:
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    guide = await _guide(shop)
    answers = await asyncio.gather(
        *(
            shop.client.mutate("recordStorePurchase", RECORD, {"i": receipt(memberCode=mum.invite_code)}, token=guide)
            for _ in range(4)
        )
    )
    assert sorted(a["replayed"] for a in answers) == [False, True, True, True]
    assert await StorePurchase.all().count() == 1
    assert (await PointsAccount.get(member_id=mum.id)).balance == 110


async def test_found_by_phone_digits_among_the_store_members(shop) -> None:
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    twin, _ = await shop.mother("twin", via=shop.guide.invite_code)
    other, _ = await shop.mother("other", via=shop.guide.invite_code)
    await Member.filter(id=mum.id).update(phone="+8613800001234")
    await Member.filter(id=twin.id).update(phone="+8613900005678")
    await Member.filter(id=other.id).update(phone="+8613700005678")
    guide = await _guide(shop)
    found = await shop.client.mutate("recordStorePurchase", RECORD, {"i": receipt(phoneLast4="1234")}, token=guide)
    assert found["purchase"]["member"] == {"id": gid("Member", mum.id)}
    for last4, code in (("5678", "MEMBER_AMBIGUOUS"), ("0000", "MEMBER_NOT_FOUND"), ("12a4", "PURCHASE_INVALID")):
        refused = await shop.client.mutate(
            "recordStorePurchase", RECORD, {"i": receipt("R-2", phoneLast4=last4)}, token=guide
        )
        assert refused["errors"] == [{"code": code, "field": "phoneLast4"}], last4


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"items": [{"sku": "NOPE", "price": 100}]}, "SKU_UNKNOWN", "items"),
        ({"items": [{"sku": "MILK-900G", "quantity": 0, "price": 100}]}, "PURCHASE_INVALID", "items"),
        ({"items": [{"sku": "MILK-900G", "price": -1}]}, "PURCHASE_INVALID", "items"),
        ({"items": []}, "PURCHASE_INVALID", "items"),
        ({"receiptNumber": "R" * 65}, "PURCHASE_INVALID", "receiptNumber"),
        ({"memberCode": "NOBODY"}, "MEMBER_NOT_FOUND", "memberCode"),
    ],
)
async def test_bad_input_is_refused_and_writes_nothing(shop, change, code, field) -> None:
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    guide = await _guide(shop)
    refused = await shop.client.mutate(
        "recordStorePurchase", RECORD, {"i": {**receipt(memberCode=mum.invite_code), **change}}, token=guide
    )
    assert refused == {"purchase": None, "replayed": False, "errors": [{"code": code, "field": field}]}
    assert not await StorePurchase.exists()
    assert not await Touch.filter(kind=TouchKind.PURCHASE).exists()


async def test_a_receipt_number_taken_for_another_purchase_is_refused(shop) -> None:
    mum, _ = await shop.mother("mum", via=shop.guide.invite_code)
    dad, _ = await shop.mother("dad", via=shop.guide.invite_code)
    guide = await _guide(shop)
    assert (
        await shop.client.mutate("recordStorePurchase", RECORD, {"i": receipt(memberCode=mum.invite_code)}, token=guide)
    )["errors"] == []
    taken = await shop.client.mutate(
        "recordStorePurchase", RECORD, {"i": receipt(memberCode=dad.invite_code)}, token=guide
    )
    assert taken["errors"] == [{"code": "RECEIPT_TAKEN", "field": "receiptNumber"}]
    assert (await PointsAccount.get_or_none(member_id=dad.id)) is None


RETURN = """mutation($i: ReturnStorePurchaseInput!) { returnStorePurchase(input: $i) {
  purchase { receiptNumber returnedAt } pointsTaken debtRecorded errors { code field } } }"""
BY_GUIDE = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: GUIDE) {
  key purchases revenue { amount } } }"""


async def test_a_returned_receipt_gives_back_its_points_and_nets_out_of_the_reports(shop) -> None:
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    guide = await _guide(shop)
    await shop.client.mutate("recordStorePurchase", RECORD, {"i": receipt(memberCode=mum.invite_code)}, token=guide)
    await shop.claim(token)  # a can scanned: 30 points in a lot of their own
    manager = factories.staff_token(
        shop.settings, await factories.staff(shop.brand, "mgr", StaffRole.STORE_MANAGER, shop.store)
    )
    other_store = await factories.store(shop.brand, "S2")
    elsewhere = factories.staff_token(
        shop.settings, await factories.staff(shop.brand, "mgr2", StaffRole.STORE_MANAGER, other_store)
    )

    def ask(**input_: object) -> dict:
        return {"i": {"receiptNumber": "R-0001", "reason": "the cans came back", **input_}}

    assert (await shop.client.mutate("returnStorePurchase", RETURN, ask(), token=shop.hq))["errors"] == [
        {"code": "STORE_NOT_FOUND", "field": "storeId"}
    ]
    assert (await shop.client.mutate("returnStorePurchase", RETURN, ask(), token=elsewhere))["errors"] == [
        {"code": "RECEIPT_NOT_FOUND", "field": "receiptNumber"}
    ]
    foreign = ask(storeId=gid("Store", shop.store.id))
    assert (await shop.client.mutate("returnStorePurchase", RETURN, foreign, token=elsewhere))["errors"] == [
        {"code": "STORE_NOT_FOUND", "field": "storeId"}
    ]
    done = await shop.client.mutate("returnStorePurchase", RETURN, ask(), token=manager)
    again = await shop.client.mutate("returnStorePurchase", RETURN, foreign, token=shop.hq)

    assert (done["pointsTaken"], done["debtRecorded"], done["errors"]) == (110, 0, [])
    assert done["purchase"]["returnedAt"] is not None
    assert again["errors"] == [{"code": "PURCHASE_ALREADY_RETURNED", "field": "receiptNumber"}]
    assert (await PointsAccount.get(member_id=mum.id)).balance == 30  # the can's lot is untouched
    rows = (await shop.client.ok(BY_GUIDE, YEAR, token=shop.hq))["attribution"]
    mine = next(r for r in rows if r["key"] == gid("Guide", shop.guide.id))
    assert (mine["purchases"], mine["revenue"]["amount"]) == (1, 29_900)  # the can only
    reversed_ = await Touch.filter(kind=TouchKind.PURCHASE_REVERSED).values_list("product", "amount_cents")
    assert sorted(reversed_) == [("GOLD-800G", -39_900), ("MILK-900G", -29_900), ("MILK-900G", -29_900)]
