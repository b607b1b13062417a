"""Scan claims: exactly once, refused without a database read when forged, idempotent, attributed."""

import asyncio
import csv
import io

import PIL.Image
import pytest
import zxingcpp

from loyalty import item_codes
from loyalty.models import Claim, CodeBatch, PointsAccount, PointsEntry, Rescan
from referral import qr
from referral.models import Touch, TouchKind
from schema import ids
from tests import factories
from tests.loyalty.scenario import ITEM_URL, SET_ITEM_URL
from tests.referral.helpers import consumer, register

CREATE = """mutation($i: CodeBatchInput!) {
  createCodeBatch(input: $i) { batch { id sku quantity exportPath } errors { code field } } }"""
CLAIM = """mutation($c: String!, $k: String) {
  claimItemCode(code: $c, idempotencyKey: $k, city: "Hangzhou") {
    claim { id sku guideId } pointsEarned pointsBalance replayed errors { code field } } }"""


@pytest.fixture
async def shop(db, settings, client):
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    hq = factories.staff_token(settings, await factories.staff(brand))
    assert (await client.mutate("setItemUrlBase", SET_ITEM_URL, {"u": ITEM_URL}, token=hq))["errors"] == []
    batch = await client.mutate(
        "createCodeBatch",
        CREATE,
        {
            "i": {
                "sku": "MILK-900G",
                "productName": "Stage 1 900g",
                "quantity": 200,
                "priceCents": 29_900,
                "pointsPerItem": 30,
            }
        },
        token=hq,
    )
    assert batch["errors"] == []
    mum, token = await consumer(settings, brand, "mum")
    await register(client, token, code=guide.invite_code)
    return dict(brand=brand, guide=guide, hq=hq, batch=batch["batch"], mum=mum, token=token, store=store)


async def codes_of(client, shop) -> list[str]:
    response = await client.http.get(shop["batch"]["exportPath"], headers={"authorization": f"Bearer {shop['hq']}"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["code", "url"] and len(rows) == 201
    assert all(url == f"{ITEM_URL}?i={code}" for code, url in rows[1:])
    return [code for code, _ in rows[1:]]


async def test_a_claim_earns_points_once_and_credits_the_guide(client, shop, settings) -> None:
    codes = await codes_of(client, shop)
    first = await client.mutate("claimItemCode", CLAIM, {"c": codes[0], "k": None}, token=shop["token"])
    assert first["errors"] == [] and first["pointsEarned"] == 30 and first["pointsBalance"] == 30
    assert first["claim"]["guideId"] == ids.encode("Guide", shop["guide"].id) and first["claim"]["sku"] == "MILK-900G"
    purchase = await Touch.get(member_id=shop["mum"].id, kind=TouchKind.PURCHASE)
    assert (purchase.amount_cents, purchase.guide_id, purchase.store_id) == (29_900, shop["guide"].id, shop["store"].id)

    again = await client.mutate("claimItemCode", CLAIM, {"c": codes[0], "k": None}, token=shop["token"])
    assert again["errors"] == [{"code": "ITEM_CODE_ALREADY_CLAIMED", "field": "code"}]
    friend, friend_token = await consumer(settings, shop["brand"], "friend")
    await register(client, friend_token)
    stolen = await client.mutate("claimItemCode", CLAIM, {"c": codes[0], "k": None}, token=friend_token)
    assert stolen["errors"] == [{"code": "ITEM_CODE_ALREADY_CLAIMED", "field": "code"}]
    assert sorted(await Rescan.all().values_list("by_claimer", flat=True)) == [False, True]
    assert (
        await Claim.all().count() == 1
        and await PointsAccount.get(member_id=shop["mum"].id).values_list("balance", flat=True) == 30
    )


async def test_a_retried_request_returns_the_first_result(client, shop) -> None:
    codes = await codes_of(client, shop)
    first = await client.mutate("claimItemCode", CLAIM, {"c": codes[1], "k": "req-0001-abcdef"}, token=shop["token"])
    retry = await client.mutate("claimItemCode", CLAIM, {"c": codes[1], "k": "req-0001-abcdef"}, token=shop["token"])
    assert retry["replayed"] is True and retry["claim"] == first["claim"] and retry["pointsEarned"] == 30
    assert await PointsEntry.filter(member_id=shop["mum"].id).count() == 1 and await Rescan.all().count() == 0
    # Racing retries of one request: one claim, every answer the same claim.
    racing = await asyncio.gather(
        *(
            client.mutate("claimItemCode", CLAIM, {"c": codes[2], "k": "req-0002-abcdef"}, token=shop["token"])
            for _ in range(10)
        )
    )
    assert {r["claim"]["id"] for r in racing} == {racing[0]["claim"]["id"]} and all(r["errors"] == [] for r in racing)
    assert await Claim.all().count() == 2


async def test_forged_codes_are_refused_without_touching_the_database(client, shop, query_log) -> None:
    codes = await codes_of(client, shop)
    forged = codes[3][:-1] + ("0" if codes[3][-1] != "0" else "1")
    query_log.statements.clear()
    payload = await client.mutate("claimItemCode", CLAIM, {"c": forged, "k": None}, token=shop["token"])
    assert payload["errors"] == [{"code": "ITEM_CODE_INVALID", "field": "code"}]
    # Only the session lookup ran: the code was judged by its MAC alone.
    assert all("claim" not in s and "code_batch" not in s for s in query_log.statements), query_log.statements


async def test_refusals_for_revoked_foreign_unregistered_and_bad_keys(client, shop, settings) -> None:
    codes = await codes_of(client, shop)
    rival = await factories.brand("rival")
    _, rival_token = await consumer(settings, rival, "spy")
    await register(client, rival_token)
    assert (await client.mutate("claimItemCode", CLAIM, {"c": codes[4], "k": None}, token=rival_token))["errors"] == [
        {"code": "ITEM_CODE_UNKNOWN", "field": "code"}
    ]
    _, aware = await consumer(settings, shop["brand"], "aware")
    assert [
        e["code"]
        for e in (await client.mutate("claimItemCode", CLAIM, {"c": codes[4], "k": None}, token=aware))["errors"]
    ] == ["NOT_REGISTERED"]
    short_key = await client.mutate("claimItemCode", CLAIM, {"c": codes[4], "k": "x"}, token=shop["token"])
    assert short_key["errors"] == [{"code": "IDEMPOTENCY_KEY_INVALID", "field": "idempotencyKey"}]
    revoked = await client.mutate(
        "revokeCodeBatch",
        "mutation($b: ID!) { revokeCodeBatch(id: $b) { batch { id } errors { code } } }",
        {"b": shop["batch"]["id"]},
        token=shop["hq"],
    )
    assert revoked["errors"] == []
    assert (await client.mutate("claimItemCode", CLAIM, {"c": codes[4], "k": None}, token=shop["token"]))["errors"] == [
        {"code": "BATCH_REVOKED", "field": "code"}
    ]
    # A valid MAC for a serial beyond the batch is still not one of its codes.
    batch = await CodeBatch.get(id=ids.decode(shop["batch"]["id"], "CodeBatch"))
    beyond = item_codes.encode(settings.item_keyring.key(1), 1, batch.id, batch.quantity)
    await CodeBatch.filter(id=batch.id).update(revoked_at=None)
    assert (await client.mutate("claimItemCode", CLAIM, {"c": beyond, "k": None}, token=shop["token"]))["errors"] == [
        {"code": "ITEM_CODE_UNKNOWN", "field": "code"}
    ]
    assert await Claim.all().count() == 0


async def test_100_simultaneous_claims_of_one_code_make_one_winner(client, shop, settings) -> None:
    codes = await codes_of(client, shop)
    tokens = []
    for i in range(25):
        _, token = await consumer(settings, shop["brand"], f"racer-{i}")
        await register(client, token)
        tokens.append(token)
    results = await asyncio.gather(
        *(client.mutate("claimItemCode", CLAIM, {"c": codes[5], "k": None}, token=tokens[i % 25]) for i in range(100))
    )
    winners = [r for r in results if not r["errors"]]
    assert len(winners) == 1 and all(
        r["errors"][0]["code"] == "ITEM_CODE_ALREADY_CLAIMED" for r in results if r["errors"]
    )
    assert await Claim.all().count() == 1 and await Rescan.all().count() == 99
    # The ledger and every balance agree.
    for account in await PointsAccount.all():
        entries = await PointsEntry.filter(member_id=account.member_id).values_list("points", flat=True)
        assert sum(entries) == account.balance
    assert sum(await PointsAccount.all().values_list("balance", flat=True)) == 30


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"quantity": 0}, "BATCH_QUANTITY_INVALID", "quantity"),
        ({"quantity": 60_000_000}, "BATCH_QUANTITY_INVALID", "quantity"),
        ({"quantity": -5}, "BATCH_QUANTITY_INVALID", "quantity"),
        ({"priceCents": -1}, "BATCH_FIELD_INVALID", "priceCents"),
        ({"sku": "has space"}, "BATCH_FIELD_INVALID", "sku"),
        ({"productName": " "}, "BATCH_FIELD_INVALID", "productName"),
    ],
)
async def test_bad_batches_are_refused_and_create_nothing(client, shop, changes, code, field) -> None:
    base = {"sku": "X-1", "productName": "X", "quantity": 10, "priceCents": 100, "pointsPerItem": 1}
    payload = await client.mutate("createCodeBatch", CREATE, {"i": base | changes}, token=shop["hq"])
    assert payload["errors"] == [{"code": code, "field": field}] and await CodeBatch.all().count() == 1


async def test_export_is_hq_only_and_brand_scoped(client, shop, settings) -> None:
    path = shop["batch"]["exportPath"]
    assert (await client.http.get(path)).status_code == 401
    assert (await client.http.get(path, headers={"authorization": f"Bearer {shop['token']}"})).status_code == 403
    rival = await factories.brand("rival")
    rival_hq = factories.staff_token(settings, await factories.staff(rival, "rival-hq"))
    assert (await client.http.get(path, headers={"authorization": f"Bearer {rival_hq}"})).status_code == 404


async def test_a_sample_of_exported_urls_reads_back_from_qr_images(client, shop) -> None:
    codes = await codes_of(client, shop)
    for code in codes[:: len(codes) // 8]:
        url = f"{ITEM_URL}?i={code}"
        image = PIL.Image.open(io.BytesIO(qr.render(url, qr.QrFormat.PNG)))
        assert zxingcpp.read_barcodes(image)[0].text == url
