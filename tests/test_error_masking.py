"""Unexpected failures reach the client as a bare "Internal server error.", and the log keeps the detail."""

import logging

import strawberry

from schema.queries import Query
from schema.root import build_schema
from server.app import create_app
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import make_settings


@strawberry.type
class FailingQuery(Query):
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError('relation "member" violates constraint: SELECT phone FROM member WHERE id = 1')


async def test_unexpected_exception_is_masked_and_logged(upstream, caplog) -> None:
    app = create_app(make_settings(upstream), manage_db=False, schema=build_schema(query=FailingQuery))
    with caplog.at_level(logging.ERROR, logger="scrm.graphql"):
        async with GraphQLClient.running(app) as client:
            response = await client.post("{ boom }")
    assert response.status == 200
    assert response.errors == [
        {"message": "Internal server error.", "locations": [{"line": 1, "column": 3}], "path": ["boom"]}
    ]
    assert "SELECT" not in str(response.body) and "Traceback" not in str(response.body)
    assert any("unexpected error" in r.message and r.exc_info for r in caplog.records)


async def test_nul_characters_are_refused_as_bad_input_on_every_engine(client, settings) -> None:
    brand = await factories.brand("acme")
    token = factories.staff_token(settings, await factories.staff(brand))
    response = await client.post(
        "mutation($i: CreateStoreInput!) { createStore(input: $i) { errors { code } } }",
        {"i": {"code": "NUL", "name": "bad\x00name"}},
        token=token,
    )
    assert response.status == 400 and "NUL" in response.errors[0]["message"]
