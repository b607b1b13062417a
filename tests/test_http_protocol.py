"""GraphQL over HTTP: media types, status codes, request errors, limits (graphql-http audit cases)."""

import json
from collections.abc import AsyncIterator

import pytest

from foundation.settings import Mode
from server.app import create_app
from tests.client import GraphQLClient
from tests.conftest import make_settings
from tests.fakes.upstream import FakeUpstream

GR = "application/graphql-response+json"
JSON = "application/json"


@pytest.fixture
async def http(upstream: FakeUpstream) -> AsyncIterator:
    async with GraphQLClient.running(create_app(make_settings(upstream), manage_db=False)) as gql:
        yield gql.http


async def post(http, body, *, accept: str | None = GR, content_type: str | None = JSON, raw: bytes | None = None):
    headers = {}
    if accept is not None:
        headers["accept"] = accept
    if content_type is not None:
        headers["content-type"] = content_type
    content = raw if raw is not None else json.dumps(body).encode()
    return await http.post("/graphql", content=content, headers=headers)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (GR, GR),
        (JSON, JSON),
        ("*/*", JSON),
        (None, JSON),
        ("application/*", JSON),
        (f"{GR}, */*", GR),
        (f"{JSON};q=0.9, {GR};q=0.5", JSON),
        (f"text/html, {JSON}", JSON),
    ],
)
async def test_response_media_type_follows_accept(http, accept, media) -> None:
    response = await post(http, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_unacceptable_accept_is_406(http) -> None:
    assert (await post(http, {"query": "{ __typename }"}, accept="text/plain")).status_code == 406
    assert (await post(http, {"query": "{ __typename }"}, accept=f"{GR};q=0")).status_code == 406


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", f"{JSON}; charset=latin1"]
)
async def test_post_needs_a_utf8_json_body(http, content_type) -> None:
    assert (await post(http, {"query": "{ __typename }"}, content_type=content_type)).status_code == 415


async def test_utf8_charset_is_accepted(http) -> None:
    assert (await post(http, {"query": "{ __typename }"}, content_type=f"{JSON}; charset=utf-8")).status_code == 200


BAD_REQUESTS = {
    "empty body": dict(raw=b""),
    "not json": dict(raw=b'{ "not a JSON'),
    "batch": dict(body=[{"query": "{ __typename }"}]),
    "missing query": dict(body={"notquery": "{ __typename }"}),
    "object query": dict(body={"query": {"obj": "ect"}}),
    "number query": dict(body={"query": 0}),
    "string variables": dict(body={"query": "{ __typename }", "variables": "string"}),
    "array variables": dict(body={"query": "{ __typename }", "variables": ["a"]}),
    "number operationName": dict(body={"query": "{ __typename }", "operationName": 0}),
    "string extensions": dict(body={"query": "{ __typename }", "extensions": "x"}),
    "parse failure": dict(body={"query": "{"}),
    "validation failure": dict(body={"query": "{ noSuchField }"}),
    "unknown operation": dict(body={"query": "query A { __typename }", "operationName": "B"}),
    "variable coercion": dict(
        body={"query": "query($n: Int!) { stores(first: $n) { pageInfo { hasNextPage } } }", "variables": {"n": "x"}}
    ),
    "subscription": dict(body={"query": "subscription { x }"}),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
async def test_request_errors_are_400_without_data_under_graphql_response_json(http, case) -> None:
    spec = BAD_REQUESTS[case]
    response = await post(http, spec.get("body"), raw=spec.get("raw"))
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body and body["errors"] and all(e["message"] for e in body["errors"])


UNPARSEABLE = {"empty body", "not json"}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
async def test_request_errors_under_legacy_json_are_200_unless_the_body_is_not_json(http, case) -> None:
    spec = BAD_REQUESTS[case]
    response = await post(http, spec.get("body"), raw=spec.get("raw"), accept=JSON)
    assert response.status_code == (400 if case in UNPARSEABLE else 200)
    assert response.json()["errors"]


async def test_get_runs_queries_and_refuses_mutations(http) -> None:
    ok = await http.get(
        "/graphql",
        params={"query": "query($n: String!) { __type(name: $n) { name } }", "variables": '{"n": "Query"}'},
        headers={"accept": GR},
    )
    assert ok.status_code == 200 and ok.json() == {"data": {"__type": {"name": "Query"}}}
    refused = await http.get(
        "/graphql",
        params={"query": 'mutation { devSignIn(brand: "x", subject: "y") { token } }'},
        headers={"accept": GR},
    )
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"


async def test_other_methods_are_405(http) -> None:
    response = await http.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405


async def test_oversized_body_is_413(http) -> None:
    query = "{ __typename }" + " " * (70 * 1024)
    response = await post(http, {"query": query})
    assert response.status_code == 413


async def test_field_errors_keep_200_with_data_and_a_code(http) -> None:
    response = await post(http, {"query": "{ me { roles } }"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["me"]


async def test_too_many_aliases_are_refused_before_running(http) -> None:
    # Aliases let one request carry many attempts (code guessing); the limit is 15 by default.
    many = "{ " + " ".join(f"a{i}: __typename" for i in range(20)) + " }"
    response = await post(http, {"query": many})
    assert response.status_code == 400 and "aliases" in response.json()["errors"][0]["message"].lower()
    few = "{ " + " ".join(f"a{i}: __typename" for i in range(5)) + " }"
    assert (await post(http, {"query": few})).status_code == 200


async def test_depth_limit(upstream: FakeUpstream) -> None:
    settings = make_settings(upstream, max_query_depth=2)
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as gql:
        shallow = await gql.post("{ me { brand { name } } }")
        deep = await gql.post("{ stores { edges { node { id } } } }")
    assert shallow.status == 200
    assert deep.status == 400 and "depth" in deep.errors[0]["message"]


async def test_token_limit(upstream: FakeUpstream) -> None:
    settings = make_settings(upstream, max_query_tokens=50)
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as gql:
        big = await gql.post("{ " + " ".join("__typename" for _ in range(60)) + " }")
    assert big.status == 400 and "token" in big.errors[0]["message"].lower()


async def test_production_hides_introspection_suggestions_and_graphiql(upstream: FakeUpstream) -> None:
    settings = make_settings(upstream, mode=Mode.PRODUCTION, introspection=False, graphiql=False)
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as gql:
        introspection = await gql.post("{ __schema { types { name } } }")
        typo = await gql.post("{ stors { pageInfo { hasNextPage } } }")
        page = await gql.http.get("/graphql", headers={"accept": "text/html"})
    assert introspection.status == 400
    assert typo.status == 400 and "Did you mean" not in typo.errors[0]["message"]
    assert "<html" not in page.text.lower()


async def test_development_serves_graphiql(upstream: FakeUpstream) -> None:
    settings = make_settings(upstream, mode=Mode.DEVELOPMENT, graphiql=True)
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as gql:
        page = await gql.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_malformed_authorization_header_is_a_typed_error(http) -> None:
    for header in ("Basic abc", "Bearer", "Bearer not.a.jwt"):
        response = await http.post("/graphql", json={"query": "{ me { roles } }"}, headers={"authorization": header})
        body = response.json()
        assert response.status_code == 200 and body["data"] == {"me": None}
        assert body["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
