"""A brand's web pages (a LIFF app) may call the API from a browser; other origins may not. HQ sets
the list; each change is recorded."""

from __future__ import annotations

import json

import pytest

from foundation.tenancy.models import BrandChange
from tests import factories
from tests.client import GRAPHQL_RESPONSE, GraphQLClient

SET = "mutation($o: [String!]!) { setAllowedOrigins(origins: $o) { brand { allowedOrigins } errors { code field } } }"
LIFF = "https://liff.acme.example"


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }


async def test_hq_lists_origins_and_only_those_may_call_from_a_browser(client: GraphQLClient, settings) -> None:
    brand = await factories.brand("acme")
    hq = factories.staff_token(settings, await factories.staff(brand))
    refused = await client.http.options("/graphql", headers=preflight(LIFF))
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers

    done = await client.mutate(
        "setAllowedOrigins", SET, {"o": [LIFF + "/", " HTTPS://Shop.Acme.example:8443 "]}, token=hq
    )
    assert done == {"brand": {"allowedOrigins": [LIFF, "https://shop.acme.example:8443"]}, "errors": []}

    allowed = await client.http.options("/graphql", headers=preflight(LIFF))
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == LIFF
    assert set(allowed.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    assert "authorization" in allowed.headers["access-control-allow-headers"]
    asked = await client.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": LIFF, "accept": GRAPHQL_RESPONSE}
    )
    assert asked.status_code == 200 and asked.headers["access-control-allow-origin"] == LIFF
    assert "Origin" in asked.headers["vary"]
    foreign = await client.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in foreign.headers
    # The mini-program and servers send no Origin: nothing changes for them.
    plain = await client.http.post("/graphql", json={"query": "{ __typename }"})
    assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers

    change = await BrandChange.get(brand_id=brand.id)
    assert (change.setting, json.loads(change.old_value or "null"), json.loads(change.new_value or "null")) == (
        "allowed_origins",
        [],
        [LIFF, "https://shop.acme.example:8443"],
    )
    assert change.changed_by.startswith("staff:")
    # Setting the same list again records nothing.
    await client.mutate("setAllowedOrigins", SET, {"o": [LIFF, "https://shop.acme.example:8443"]}, token=hq)
    assert await BrandChange.filter(brand_id=brand.id).count() == 1


@pytest.mark.parametrize(
    "origin",
    [
        "http://liff.acme.example",
        "https://liff.acme.example/app",
        "https://liff.acme.example?x=1",
        "https://user:pw@liff.acme.example",
        "ftp://liff.acme.example",
        "https://",
        "https://liff.acme.example:0",
        "https://liff.acme.example:99999",
        "https://li ff.example",
        "https://例え.jp",
    ],
)
async def test_a_bad_origin_is_refused_and_changes_nothing(client: GraphQLClient, settings, origin: str) -> None:
    brand = await factories.brand("acme")
    hq = factories.staff_token(settings, await factories.staff(brand))
    refused = await client.mutate("setAllowedOrigins", SET, {"o": [LIFF, origin]}, token=hq)
    assert refused == {"brand": None, "errors": [{"code": "ORIGIN_INVALID", "field": "origins"}]}
    assert await BrandChange.all().count() == 0


async def test_localhost_over_http_is_allowed_for_development(client: GraphQLClient, settings) -> None:
    brand = await factories.brand("acme")
    hq = factories.staff_token(settings, await factories.staff(brand))
    done = await client.mutate("setAllowedOrigins", SET, {"o": ["http://localhost:5173"]}, token=hq)
    assert done["errors"] == [] and done["brand"]["allowedOrigins"] == ["http://localhost:5173"]
