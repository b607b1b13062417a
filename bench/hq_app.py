"""The real app over ASGI on a benchmark's scratch database, signed in as HQ, and a stopwatch."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from starlette.datastructures import Secret

from foundation.auth import tokens
from foundation.settings import Mode, Settings
from server.app import create_app

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


class HQ:
    """POSTs GraphQL as brand 1's HQ; refuses an answer with errors (a benchmark of errors is no figure)."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {self.token}"},
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return dict(body["data"])


@asynccontextmanager
async def hq_app(url: str, conn: asyncpg.Connection, *, timeout_s: float = 60) -> AsyncIterator[HQ]:
    """An HQ staff account (id 1, brand 1) with a token, and the app serving `url` in production mode."""
    await conn.execute(
        "INSERT INTO staff_account (id, brand_id, username, password_hash, role, is_active, token_version,"
        " created_at) VALUES (1, 1, 'hq', 'no password: a token only', 'hq', true, 1, $1)",
        datetime.now(UTC),
    )
    token = tokens.issue(secret=SECRET, brand_id=1, kind="staff", principal_id=1, ttl_s=3600)[0]
    settings = Settings(
        mode=Mode.PRODUCTION,
        database_url=url + "?minsize=1&maxsize=4",
        secret_key=Secret(SECRET),
        graphiql=False,
        introspection=False,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=timeout_s) as http,
    ):
        yield HQ(http, token)


async def timed(fn: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    """(milliseconds, the figure fn answered)."""
    start = time.perf_counter()
    n = await fn()
    return (time.perf_counter() - start) * 1000, n
