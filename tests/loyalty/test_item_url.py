"""The URL printed on cans: HQ names it (each change recorded), and no code is exported before."""

from __future__ import annotations

import csv
import io

import pytest

from foundation.tenancy.models import BrandChange
from tests import factories
from tests.loyalty.scenario import ITEM_URL, SET_ITEM_URL

CREATE = """mutation($i: CodeBatchInput!) { createCodeBatch(input: $i) { batch { id exportPath } errors { code } } }"""


@pytest.fixture
async def fresh(db, settings, client):
    brand = await factories.brand("acme")
    hq = factories.staff_token(settings, await factories.staff(brand))
    made = await client.mutate(
        "createCodeBatch",
        CREATE,
        {"i": {"sku": "MILK-900G", "productName": "Milk", "quantity": 10, "priceCents": 100, "pointsPerItem": 1}},
        token=hq,
    )
    assert made["errors"] == []
    return dict(brand=brand, hq=hq, batch=made["batch"])


async def test_exports_wait_for_the_brand_to_name_its_url(client, fresh) -> None:
    auth = {"authorization": f"Bearer {fresh['hq']}"}
    csv_path = fresh["batch"]["exportPath"]
    refused = await client.http.get(csv_path, headers=auth)
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "ITEM_URL_NOT_SET"
    labels = await client.http.get(csv_path.replace(".csv", "/labels.pdf"), headers=auth)
    assert labels.status_code == 409 and labels.json()["errors"][0]["code"] == "ITEM_URL_NOT_SET"

    done = await client.mutate("setItemUrlBase", SET_ITEM_URL, {"u": ITEM_URL + "/"}, token=fresh["hq"])
    assert done == {"itemUrlBase": ITEM_URL, "errors": []}
    rows = list(csv.reader(io.StringIO((await client.http.get(csv_path, headers=auth)).text)))
    assert len(rows) == 11 and all(url == f"{ITEM_URL}?i={code}" for code, url in rows[1:])

    change = await BrandChange.get(brand_id=fresh["brand"].id)
    assert (change.setting, change.old_value, change.new_value) == (
        "item_url_base",
        "https://mp.example.com/i",
        ITEM_URL,
    )
    assert change.changed_by.startswith("staff:")


@pytest.mark.parametrize(
    "url",
    [
        "http://mp.acme.example/i",
        "https://mp.acme.example/i?x=1",
        "https://mp.acme.example/i#top",
        "mp.acme.example/i",
        "https://mp.example.com/i",
        "https://例え.jp/i",
        "https://" + "a" * 180 + ".example/i",
    ],
)
async def test_a_bad_item_url_is_refused_and_changes_nothing(client, fresh, url) -> None:
    refused = await client.mutate("setItemUrlBase", SET_ITEM_URL, {"u": url}, token=fresh["hq"])
    assert refused == {"itemUrlBase": None, "errors": [{"code": "ITEM_URL_INVALID", "field": "url"}]}
    assert await BrandChange.all().count() == 0
