"""Stores: validation, per-brand uniqueness, SQL pagination and a bounded query count."""

import pytest

from referral.models import Store
from tests import factories

CREATE = """mutation($input: CreateStoreInput!) {
  createStore(input: $input) { store { id code name city } errors { code message field } }
}"""
LIST = """query($first: Int!, $after: String) {
  stores(first: $first, after: $after) { edges { cursor node { code } } pageInfo { hasNextPage endCursor } }
}"""


@pytest.fixture
async def hq(db, settings) -> tuple:
    brand = await factories.brand("acme")
    return brand, factories.staff_token(settings, await factories.staff(brand))


async def test_hq_creates_a_store(client, hq) -> None:
    brand, token = hq
    payload = await client.mutate(
        "createStore", CREATE, {"input": {"code": " SH-002 ", "name": " Pudong ", "city": "Shanghai"}}, token=token
    )
    assert payload["errors"] == []
    assert payload["store"]["code"] == "SH-002" and payload["store"]["name"] == "Pudong"
    row = await Store.get(brand_id=brand.id, code="SH-002")
    assert row.city == "Shanghai"


@pytest.mark.parametrize(
    ("store_input", "code", "field"),
    [
        ({"code": "", "name": "X"}, "STORE_CODE_INVALID", "code"),
        ({"code": "has space", "name": "X"}, "STORE_CODE_INVALID", "code"),
        ({"code": "A" * 33, "name": "X"}, "STORE_CODE_INVALID", "code"),
        ({"code": "OK", "name": "   "}, "STORE_NAME_INVALID", "name"),
        ({"code": "OK", "name": "n" * 121}, "STORE_NAME_INVALID", "name"),
        ({"code": "TAKEN", "name": "Again"}, "STORE_CODE_TAKEN", "code"),
    ],
)
async def test_bad_store_input_is_refused_and_changes_nothing(client, hq, store_input, code, field) -> None:
    brand, token = hq
    await factories.store(brand, "TAKEN")
    payload = await client.mutate("createStore", CREATE, {"input": store_input}, token=token)
    assert payload["store"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await Store.all().count() == 1


async def test_same_store_code_is_fine_in_another_brand(client, hq) -> None:
    brand, token = hq
    other = await factories.brand("other")
    await factories.store(other, "SH-1")
    payload = await client.mutate("createStore", CREATE, {"input": {"code": "SH-1", "name": "Mine"}}, token=token)
    assert payload["errors"] == []


async def test_pages_walk_every_store_once_in_order(client, hq) -> None:
    brand, token = hq
    for i in range(25):
        await factories.store(brand, f"S{i:02d}")
    seen, after, pages = [], None, 0
    while True:
        data = (await client.ok(LIST, {"first": 10, "after": after}, token=token))["stores"]
        seen += [e["node"]["code"] for e in data["edges"]]
        pages += 1
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 3 and seen == [f"S{i:02d}" for i in range(25)]


@pytest.mark.parametrize(("first", "after"), [(0, None), (101, None), (10, "bm90LWEtY3Vyc29y"), (10, "!!!")])
async def test_bad_pagination_is_a_typed_error(client, hq, first, after) -> None:
    _, token = hq
    response = await client.post(LIST, {"first": first, "after": after}, token=token)
    assert response.data == {"stores": None} and response.error_codes == ["INVALID_PAGINATION"]


async def test_listing_costs_the_same_queries_for_5_or_50_stores(client, hq, query_log) -> None:
    brand, token = hq
    query = "{ me { brand { name } store { name } } stores(first: 100) { nodes { code name city } } }"
    counts = []
    for total in (5, 50):
        for i in range(total - await Store.filter(brand_id=brand.id).count()):
            await factories.store(brand, f"Q{total}-{i}")
        query_log.statements.clear()
        await client.ok(query, token=token)
        counts.append(len(query_log.statements))
    assert counts[0] == counts[1] <= 4, query_log.statements
