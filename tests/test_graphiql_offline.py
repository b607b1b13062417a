"""GraphiQL works without the internet: every asset its page loads is served by the app itself,
byte-identical to the upstream release (the page's SRI hashes hold), and it opens with example
operations for each role that the schema accepts."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from graphql import parse, validate

from foundation.settings import Mode
from schema.root import schema
from server.app import create_app
from server.graphiql import EXAMPLES
from tests.client import GraphQLClient
from tests.conftest import make_settings

ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*?integrity="([^"]+)"', re.S)


@pytest.fixture
async def ide(db, upstream):
    """The app as `scrm dev` serves it, GraphiQL on."""
    settings = make_settings(upstream, mode=Mode.DEVELOPMENT, graphiql=True)
    async with GraphQLClient.running(create_app(settings, manage_db=False)) as gql:
        yield gql


async def _page(client) -> str:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response.text


async def test_every_asset_is_served_here_and_matches_its_integrity_hash(ide) -> None:
    html = await _page(ide)
    assets = ASSET.findall(html)
    assert len(assets) == 7
    assert not re.search(r'(?:src|href)="https?://', html), "nothing is loaded from another host"
    for url, integrity in assets:
        assert url.startswith("/graphiql/assets/"), url
        response = await ide.http.get(url)
        assert response.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url


async def test_it_opens_with_an_example_tab_per_role_that_the_schema_accepts(ide) -> None:
    html = await _page(ide)
    tabs = json.loads(re.search(r"defaultTabs: (\[.*?\]),\n", html).group(1))
    assert [t["query"].splitlines()[0].split(".")[0] for t in tabs] == [
        "# Member (consumer)",
        "# Guide",
        "# HQ",
    ]
    assert tabs == [{"query": e["query"]} for e in EXAMPLES]
    for tab in tabs:
        assert validate(schema._schema, parse(tab["query"])) == [], tab["query"]


async def test_production_serves_neither_the_page_nor_its_assets(client) -> None:
    assert (await client.http.get("/graphiql/assets/graphiql.min.js")).status_code == 404
