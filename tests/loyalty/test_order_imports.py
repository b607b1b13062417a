"""Orders imported from tills and web shops: matched by member code, verified phone or unionid and
credited like a till purchase (points, one purchase per item at the order's time, credited to the
guide bound then); an order number counts once; unmatched orders wait and are matched when their
member appears; returns take back what an order earned; refused orders are reported by position."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from loyalty.models import ImportedOrder, PointsAccount, PointsEntry
from loyalty.services import order_imports, order_matching
from referral.models import GuideBinding, Member, MemberIdentity, Touch, TouchKind
from tests.loyalty.scenario import Shop, gid, open_shop

IMPORT = """mutation($i: ImportOrdersInput!) { importOrders(input: $i) {
  result { imported duplicates matched unmatched matchedEarlier rejected { index code message } }
  errors { code field } } }"""
RETURN = """mutation($i: ReturnImportedOrderInput!) { returnImportedOrder(input: $i) {
  order { orderNumber returnedAt points } pointsTaken debtRecorded errors { code field } } }"""
WAITING = """query($m: Boolean) { importedOrders(matched: $m) { nodes { orderNumber points member { id } } } }"""
BY_PRODUCT = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: PRODUCT) {
  key purchases revenue { amount } } }"""
BY_GUIDE = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: GUIDE) {
  key purchases revenue { amount } } }"""
YEAR = {"f": "2026-01-01T00:00:00Z", "t": "2027-01-01T00:00:00Z"}
AT = "2026-05-20T10:00:00+08:00"
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # the test clock


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    shop = await open_shop(client, settings)  # MILK-900G: 30 points a can
    await shop.batch_of("GOLD-800G", points=50)
    return shop


def order(number: str, **extra: object) -> dict:
    items = [{"sku": "MILK-900G", "quantity": 2, "price": 29_900}, {"sku": "GOLD-800G", "price": 39_900}]
    return {"orderNumber": number, "orderedAt": AT, "items": items, **extra}


async def _import(shop: Shop, orders: list[dict], **flags: object) -> dict:
    return await shop.client.mutate("importOrders", IMPORT, {"i": {"orders": orders, **flags}}, token=shop.hq)


async def _balance(member: Member) -> tuple[int, int]:
    account = await PointsAccount.get_or_none(member_id=member.id)
    return (account.balance, account.purchases) if account else (0, 0)


async def test_orders_match_by_code_verified_phone_and_unionid_and_count_once(shop) -> None:
    by_code, _ = await shop.mother("by-code", via=shop.guide.invite_code)
    by_phone, _ = await shop.mother("by-phone", via=shop.guide.invite_code)
    by_union, _ = await shop.mother("by-union")
    unverified, _ = await shop.mother("unverified")
    await Member.filter(id=by_phone.id).update(phone="+8613800001111", phone_verified_at=datetime.now(UTC))
    await Member.filter(id=unverified.id).update(phone="+8613800002222")  # typed, never verified
    await MemberIdentity.filter(member_id=by_union.id).update(unionid="union-3")
    # Bound to the guide since before the orders were placed (registration was "today", June 1).
    await GuideBinding.filter(member_id__in=[by_code.id, by_phone.id]).update(
        started_at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    orders = [
        order("W-1", memberCode=by_code.invite_code.lower(), storeCode="S1", channel="till"),
        order("W-2", phone="138 0000 1111"),
        order("W-3", unionid="union-3"),
        order("W-4", phone="+86 138 0000 2222"),
    ]

    done = await _import(shop, orders)
    again = await _import(shop, orders)

    assert done["result"] == {
        "imported": 4,
        "duplicates": 0,
        "matched": 3,
        "unmatched": 1,
        "matchedEarlier": 0,
        "rejected": [],
    }
    assert again["result"]["imported"] == 0 and again["result"]["duplicates"] == 4
    for member in (by_code, by_phone, by_union):
        assert await _balance(member) == (2 * 30 + 50, 3)
    assert await _balance(unverified) == (0, 0)
    # One purchase per item at the order's time, credited to the guide bound then (or to no one).
    bought = await Touch.filter(kind=TouchKind.PURCHASE).values_list("member_id", "product", "guide_id", "occurred_at")
    assert len(bought) == 9
    assert {(m, g) for m, _, g, _ in bought} == {
        (by_code.id, shop.guide.id),
        (by_phone.id, shop.guide.id),
        (by_union.id, None),
    }
    assert {at for *_, at in bought} == {datetime(2026, 5, 20, 2, 0, tzinfo=UTC)}
    rows = (await shop.client.ok(BY_PRODUCT, YEAR, token=shop.hq))["attribution"]
    assert {r["key"]: (r["purchases"], r["revenue"]["amount"]) for r in rows if r["key"]} == {
        "GOLD-800G": (3, 3 * 39_900),
        "MILK-900G": (6, 6 * 29_900),
    }
    waiting = (await shop.client.ok(WAITING, {"m": False}, token=shop.hq))["importedOrders"]["nodes"]
    assert waiting == [{"orderNumber": "W-4", "points": 0, "member": None}]


async def test_an_order_waits_for_its_member_and_is_credited_once_when_they_appear(shop) -> None:
    assert (await _import(shop, [order("W-1", phone="+8613800003333")]))["result"]["unmatched"] == 1
    mum, _ = await shop.mother("late", via=shop.guide.invite_code)
    await Member.filter(id=mum.id).update(phone="+8613800003333", phone_verified_at=datetime.now(UTC))

    # The next import (of anything) matches it; so would `scrm match-orders`.
    later = await _import(shop, [order("W-2")])
    assert later["result"]["matchedEarlier"] == 1
    assert await order_matching.match_waiting(brand_id=shop.brand.id, now=NOW) == 0
    assert await _balance(mum) == (110, 3)
    matched = (await shop.client.ok(WAITING, {"m": True}, token=shop.hq))["importedOrders"]["nodes"]
    assert matched == [{"orderNumber": "W-1", "points": 110, "member": {"id": gid("Member", mum.id)}}]


async def test_two_matching_runs_at_once_credit_an_order_once(shop) -> None:
    await _import(shop, [order(f"W-{n}", unionid=f"u-{n}") for n in range(5)])
    mums = [(await shop.mother(f"m{n}"))[0] for n in range(5)]
    for n, mum in enumerate(mums):
        await MemberIdentity.filter(member_id=mum.id).update(unionid=f"u-{n}")
    runs = await asyncio.gather(*(order_matching.match_waiting(brand_id=shop.brand.id, now=NOW) for _ in range(3)))
    assert sum(runs) == 5
    for mum in mums:
        assert await _balance(mum) == (110, 3)
    assert await Touch.filter(kind=TouchKind.PURCHASE).count() == 15


async def test_a_phone_two_members_verified_names_no_one(shop) -> None:
    for name in ("a", "b"):
        mum, _ = await shop.mother(name)
        await Member.filter(id=mum.id).update(phone="+8613800004444", phone_verified_at=datetime.now(UTC))
    done = await _import(shop, [order("W-1", phone="+8613800004444")])
    assert (done["result"]["matched"], done["result"]["unmatched"]) == (0, 1)


async def test_a_return_takes_back_what_the_order_earned_and_nets_out_of_reports(shop) -> None:
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    await GuideBinding.filter(member_id=mum.id).update(started_at=datetime(2026, 5, 1, tzinfo=UTC))
    await _import(shop, [order("W-1", memberCode=mum.invite_code)])
    await shop.claim(token)  # 30 more points from a scanned can
    assert await _guide_revenue(shop) == 99_700 + 29_900
    returned = await shop.client.mutate(
        "returnImportedOrder", RETURN, {"i": {"orderNumber": "W-1", "reason": "refunded"}}, token=shop.hq
    )
    again = await shop.client.mutate(
        "returnImportedOrder", RETURN, {"i": {"orderNumber": "W-1", "reason": "refunded"}}, token=shop.hq
    )
    unknown = await shop.client.mutate(
        "returnImportedOrder", RETURN, {"i": {"orderNumber": "W-9", "reason": "refunded"}}, token=shop.hq
    )

    assert returned["pointsTaken"] == 110 and returned["debtRecorded"] == 0 and returned["errors"] == []
    assert returned["order"]["returnedAt"] is not None
    assert again["errors"] == [{"code": "ORDER_ALREADY_RETURNED", "field": "orderNumber"}]
    assert unknown["errors"] == [{"code": "ORDER_NOT_FOUND", "field": "orderNumber"}]
    assert (await PointsAccount.get(member_id=mum.id)).balance == 30
    # The lot the order paid into is the one emptied (the can's lot keeps its 30).
    lots = await PointsEntry.filter(member_id=mum.id, kind="earn").order_by("id").values_list("note", "remaining")
    assert lots == [("order W-1", 0), ("MILK-900G", 30)]
    assert await _guide_revenue(shop) == 29_900  # the can only: the order's 99,700 came back


async def _guide_revenue(shop: Shop) -> int:
    rows = (await shop.client.ok(BY_GUIDE, YEAR, token=shop.hq))["attribution"]
    return next(r["revenue"]["amount"] for r in rows if r["key"] == gid("Guide", shop.guide.id))


async def test_a_return_after_points_were_spent_records_debt(shop) -> None:
    mum, _ = await shop.mother("mum")
    await _import(shop, [order("W-1", memberCode=mum.invite_code)])
    account = await PointsAccount.get(member_id=mum.id)
    await PointsAccount.filter(id=account.id).update(balance=10)
    await PointsEntry.filter(member_id=mum.id).update(remaining=10)
    returned = await shop.client.mutate(
        "returnImportedOrder", RETURN, {"i": {"orderNumber": "W-1", "reason": "refunded"}}, token=shop.hq
    )
    assert (returned["pointsTaken"], returned["debtRecorded"]) == (10, 100)
    assert (await PointsAccount.get(member_id=mum.id)).debt == 100


async def test_an_order_returned_before_its_member_appeared_is_never_credited(shop) -> None:
    await _import(shop, [order("W-1", unionid="u-late")])
    returned = await shop.client.mutate(
        "returnImportedOrder", RETURN, {"i": {"orderNumber": "W-1", "reason": "cancelled"}}, token=shop.hq
    )
    assert returned["pointsTaken"] == 0 and returned["errors"] == []
    mum, _ = await shop.mother("late")
    await MemberIdentity.filter(member_id=mum.id).update(unionid="u-late")
    assert await order_matching.match_waiting(brand_id=shop.brand.id, now=NOW) == 0
    assert await _balance(mum) == (0, 0)


BAD = [
    ({"items": [{"sku": "NOPE", "price": 100}]}, "SKU_UNKNOWN"),
    ({"storeCode": "NOWHERE"}, "STORE_UNKNOWN"),
    ({"items": [{"sku": "MILK-900G", "quantity": 0, "price": 100}]}, "ORDER_INVALID"),
    ({"items": [{"sku": "MILK-900G", "price": -1}]}, "ORDER_INVALID"),
    ({"items": []}, "ORDER_INVALID"),
    ({"orderedAt": "2099-01-01T00:00:00Z"}, "ORDER_INVALID"),
    ({"phone": "12"}, "PHONE_INVALID"),
    ({"unionid": "ünion"}, "ORDER_INVALID"),
    ({"orderNumber": "N" * 65}, "ORDER_INVALID"),
    ({"orderNumber": "GOOD"}, "ORDER_INVALID"),  # the same number twice in one call
]


async def test_refused_orders_are_reported_by_position_and_the_rest_imported(shop) -> None:
    orders = [order("GOOD"), *(order(f"B-{n}", **change) for n, (change, _) in enumerate(BAD))]
    done = await _import(shop, orders)
    assert done["result"]["imported"] == 1
    assert [(r["index"], r["code"]) for r in done["result"]["rejected"]] == [
        (n + 1, code) for n, (_, code) in enumerate(BAD)
    ]
    assert all(r["message"] and "N" * 65 not in r["message"] for r in done["result"]["rejected"])
    assert await ImportedOrder.filter().values_list("order_number", flat=True) == ["GOOD"]


async def test_all_or_nothing_imports_nothing_when_one_is_refused(shop) -> None:
    done = await _import(shop, [order("W-1"), order("W-2", storeCode="NOWHERE")], allOrNothing=True)
    assert done["result"]["imported"] == 0 and len(done["result"]["rejected"]) == 1
    assert not await ImportedOrder.exists()


async def test_a_call_carries_at_most_500_orders(shop) -> None:
    small = {"orderedAt": AT, "items": [{"sku": "MILK-900G", "price": 1}]}
    too_many = await _import(shop, [{"orderNumber": str(n), **small} for n in range(501)])
    none = await _import(shop, [])
    assert too_many == none == {"result": None, "errors": [{"code": "ORDER_INVALID", "field": "orders"}]}
    assert not await ImportedOrder.exists()


async def test_an_erased_member_keeps_their_orders_figures_but_not_the_keys_that_named_them(shop) -> None:
    mum, token = await shop.mother("mum")
    await _import(shop, [order("W-1", memberCode=mum.invite_code, phone="+8613800005555")])
    erased = await shop.client.mutate(
        "deleteMyAccount", "mutation { deleteMyAccount(confirm: true) { ok errors { code } } }", token=token
    )
    assert erased == {"ok": True, "errors": []}
    row = await ImportedOrder.get(order_number="W-1")
    assert (row.member_id, row.points, row.phone, row.member_code, row.unionid) == (mum.id, 110, None, None, None)


async def test_chunks_written_side_by_side_credit_each_member_exactly(shop, monkeypatch) -> None:
    # Small chunks, so that the writers (three on PostgreSQL) share the members' accounts.
    monkeypatch.setattr(order_imports, "CHUNK", 2)
    mums = [(await shop.mother(f"m{n}"))[0] for n in range(3)]
    done = await _import(shop, [order(f"W-{n}", memberCode=mums[n % 3].invite_code) for n in range(12)])
    assert (done["result"]["imported"], done["result"]["matched"]) == (12, 12)
    for mum in mums:
        assert await _balance(mum) == (4 * 110, 4 * 3)
    assert await Touch.filter(kind=TouchKind.PURCHASE).count() == 12 * 3
