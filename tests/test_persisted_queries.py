"""Automatic persisted queries (Apollo's convention): the hash first, the document once on a miss,
the hash alone after that; by POST and by GET."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from tests.client import GRAPHQL_RESPONSE, GraphQLClient, Response, _wrap

ME = "{ __typename me { roles } }"


def persisted(query: str, *, version: int = 1, digest: str | None = None) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest or hashlib.sha256(query.encode()).hexdigest()}}


async def post(client: GraphQLClient, body: dict[str, Any], accept: str = GRAPHQL_RESPONSE) -> Response:
    return _wrap(await client.http.post("/graphql", json=body, headers={"accept": accept}))


async def test_a_hash_is_refused_until_its_document_is_sent_once(client: GraphQLClient) -> None:
    query = f"{{ t{uuid.uuid4().hex}: __typename }}"
    missing = await post(client, {"extensions": persisted(query)})
    assert missing.status == 400 and missing.error_codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert missing.errors[0]["message"] == "PersistedQueryNotFound" and "data" not in missing.body
    # Legacy JSON clients get the same error with 200, as for any request error.
    legacy = await post(client, {"extensions": persisted(query)}, accept="application/json")
    assert legacy.status == 200 and legacy.error_codes == ["PERSISTED_QUERY_NOT_FOUND"]

    registered = await post(client, {"query": query, "extensions": persisted(query)})
    assert registered.status == 200 and registered.errors == [] and registered.data is not None
    again = await post(client, {"extensions": persisted(query)})
    assert again.status == 200 and again.data == registered.data

    by_get = _wrap(
        await client.http.get(
            "/graphql", params={"extensions": json.dumps(persisted(query))}, headers={"accept": GRAPHQL_RESPONSE}
        )
    )
    assert by_get.status == 200 and by_get.data == registered.data


async def test_variables_and_the_caller_travel_with_the_hash(client: GraphQLClient) -> None:
    query = "query($n: Int!) { stores(first: $n) { nodes { code } } }"
    first = await post(client, {"query": query, "variables": {"n": 0}, "extensions": persisted(query)})
    assert first.error_codes == ["UNAUTHENTICATED"]  # the document was registered; the caller is anonymous
    second = await post(client, {"variables": {"n": 0}, "extensions": persisted(query)})
    assert second.error_codes == ["UNAUTHENTICATED"] and second.status == 200


async def test_a_wrong_or_malformed_hash_registers_nothing(client: GraphQLClient) -> None:
    query = f"{{ t{uuid.uuid4().hex}: __typename }}"
    other = hashlib.sha256(b"something else").hexdigest()
    wrong = await post(client, {"query": query, "extensions": persisted(query, digest=other)})
    assert wrong.status == 400 and wrong.error_codes == ["PERSISTED_QUERY_INVALID"]
    assert (await post(client, {"extensions": persisted(query, digest=other)})).error_codes == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]
    for bad in (
        persisted(query, version=2),
        {"persistedQuery": {"version": 1, "sha256Hash": "Z" * 64}},
        {"persistedQuery": "yes"},
    ):
        refused = await post(client, {"query": query, "extensions": bad})
        assert refused.status == 400 and refused.error_codes == ["PERSISTED_QUERY_INVALID"], bad


async def test_a_document_without_a_hash_works_as_before(client: GraphQLClient) -> None:
    plain = await post(client, {"query": ME})
    assert plain.status == 200 and plain.data == {"__typename": "Query", "me": None}


async def test_with_an_operation_list_only_the_listed_documents_run(db, upstream, clock, tmp_path) -> None:
    from server.app import create_app
    from tests.conftest import make_settings

    listed_query = "{ __typename }"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {
                "id": hashlib.sha256(listed_query.encode()).hexdigest(),
                "name": "Ping",
                "type": "query",
                "body": listed_query,
            },
        ],
    }
    path = tmp_path / "operations.json"
    path.write_text(json.dumps(manifest))
    settings = make_settings(upstream, operations_file=str(path))
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        by_hash = await post(client, {"extensions": persisted(listed_query)})
        by_text = await post(client, {"query": listed_query})
        assert by_hash.data == by_text.data == {"__typename": "Query"}
        stranger = "{ __typename me { roles } }"
        for body in (
            {"query": stranger},
            {"query": stranger, "extensions": persisted(stranger)},
            {"extensions": persisted(stranger)},
        ):
            refused = await post(client, body)
            assert refused.status == 400 and refused.error_codes == ["OPERATION_NOT_LISTED"], body
        # A stranger's document was not registered: its hash alone is still refused.
        assert (await post(client, {"extensions": persisted(stranger)})).error_codes == ["OPERATION_NOT_LISTED"]


def test_a_manifest_that_lies_about_a_hash_stops_the_server(tmp_path) -> None:
    import pytest

    from foundation.settings import SettingsError
    from server.persisted_queries import load_manifest

    path = tmp_path / "operations.json"
    path.write_text(json.dumps({"operations": [{"id": "0" * 64, "body": "{ __typename }"}]}))
    with pytest.raises(SettingsError, match="not the sha256 of its body"):
        load_manifest(str(path))
    path.write_text("not json")
    with pytest.raises(SettingsError, match="cannot read"):
        load_manifest(str(path))
