"""Figures per product line: a line named on a product's batch goes with everything sold of it from
then on (a scanned can, a till receipt, an imported order, and their returns), and
attribution(by: PRODUCT_LINE) counts them; products without a line count under null."""

from __future__ import annotations

import pytest

from loyalty.models import CodeBatch
from referral.models import Member
from tests import factories
from tests.loyalty.scenario import Shop, open_shop

RECORD = """mutation($i: StorePurchaseInput!) { recordStorePurchase(input: $i) { errors { code } } }"""
IMPORT = """mutation($i: ImportOrdersInput!) { importOrders(input: $i) { result { matched } errors { code } } }"""
REVERSE = """mutation($c: ID!, $r: String!) { reverseClaim(claimId: $c, reason: $r) { errors { code } } }"""
BY_LINE = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: PRODUCT_LINE) {
  key purchases revenue { amount } } }"""
BATCH = (
    """mutation($i: CodeBatchInput!) { createCodeBatch(input: $i) { batch { productLine } errors { code field } } }"""
)
YEAR = {"f": "2026-01-01T00:00:00Z", "t": "2027-01-01T00:00:00Z"}


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    shop = await open_shop(client, settings)  # MILK-900G, no line
    await shop.batch_of("GOLD-800G", points=50)
    return shop


async def test_purchases_of_every_kind_count_under_their_line(shop) -> None:
    gold_batch = {"sku": "GOLD-800G", "productName": "Gold", "quantity": 10, "priceCents": 100, "pointsPerItem": 5}
    made = await shop.client.mutate(
        "createCodeBatch", BATCH, {"i": {**gold_batch, "productLine": " Stage 1 "}}, token=shop.hq
    )
    too_long = await shop.client.mutate(
        "createCodeBatch", BATCH, {"i": {**gold_batch, "productLine": "L" * 65}}, token=shop.hq
    )
    assert made == {"batch": {"productLine": "Stage 1"}, "errors": []}
    assert too_long["errors"] == [{"code": "BATCH_FIELD_INVALID", "field": "productLine"}]
    gold = await CodeBatch.get(product_line="Stage 1")  # the SKU's latest batch names its line
    mum, token = await shop.mother("mum", via=shop.guide.invite_code)
    claimed = await shop.claim(token, code=shop.code(gold))
    await shop.claim(token)  # a MILK can: no line
    guide = factories.member_token(shop.settings, await Member.get(id=shop.guide.member_id))
    till = {"receiptNumber": "R-1", "memberCode": mum.invite_code, "items": [{"sku": "GOLD-800G", "price": 1000}]}
    assert (await shop.client.mutate("recordStorePurchase", RECORD, {"i": till}, token=guide))["errors"] == []
    order = {
        "orderNumber": "W-1",
        "orderedAt": "2026-05-20T10:00:00Z",
        "memberCode": mum.invite_code,
        "items": [{"sku": "GOLD-800G", "quantity": 2, "price": 500}],
    }
    assert (await shop.client.mutate("importOrders", IMPORT, {"i": {"orders": [order]}}, token=shop.hq))["result"] == {
        "matched": 1
    }
    reversed_ = await shop.client.mutate(
        "reverseClaim", REVERSE, {"c": claimed["claim"]["id"], "r": "came back"}, token=shop.hq
    )
    assert reversed_["errors"] == []

    rows = (await shop.client.ok(BY_LINE, YEAR, token=shop.hq))["attribution"]
    by_line = {r["key"]: (r["purchases"], r["revenue"]["amount"]) for r in rows}
    assert by_line["Stage 1"] == (1 + 2, 1000 + 2 * 500)  # the scanned can came back
    assert by_line[None][0] == 1  # the MILK can
