"""A GraphQL client over the real ASGI app (lifespan included), as a mini-program would call it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

GRAPHQL_RESPONSE = "application/graphql-response+json"


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    content_type: str

    @property
    def data(self) -> dict[str, Any] | None:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    @property
    def error_codes(self) -> list[str | None]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @classmethod
    @asynccontextmanager
    async def running(cls, app: Starlette) -> AsyncIterator[GraphQLClient]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://scrm.test") as http:
                yield cls(http)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        accept: str = GRAPHQL_RESPONSE,
    ) -> Response:
        headers = {"accept": accept}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return _wrap(await self.http.post("/graphql", json=body, headers=headers))

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """Post, and insist on a clean 200 answer; returns `data`."""
        response = await self.post(query, variables, token=token)
        assert response.status == 200 and not response.errors, response.body
        assert response.data is not None
        return response.data

    async def mutate(
        self, field: str, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """Run a mutation and return its payload (with `errors`), insisting on no top-level errors."""
        return (await self.ok(query, variables, token=token))[field]


def _wrap(response: httpx.Response) -> Response:
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text}
    return Response(response.status_code, body, response.headers.get("content-type", ""))
