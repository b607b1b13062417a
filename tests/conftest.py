"""Fixtures: every database test runs on SQLite and on PostgreSQL, schema built by the real migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from starlette.datastructures import Secret
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.transactions import in_transaction

from foundation.settings import Mode, Settings
from foundation.tenancy import sealing
from foundation.tenancy.sealing import Vault
from server.app import create_app
from server.db import tortoise_config
from server.migrate import migrate
from tests.client import GraphQLClient
from tests.fakes.upstream import FakeUpstream, ServedFake

BACKENDS = [b.strip() for b in os.environ.get("SCRM_TEST_DATABASES", "sqlite,postgres").split(",") if b.strip()]
PG_ADMIN_URL = os.environ.get("SCRM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# Brand credentials sealed here must open in the servers tests start (tests/test_multi_worker.server_env).
TEST_DATA_KEYS = "dGVzdC1kYXRhLWtleS1mb3Itc2VhbGluZy0wMDAwMDA="


@pytest.fixture(scope="session", autouse=True)
def data_keys() -> Iterator[None]:
    sealing.use(Vault.parse(TEST_DATA_KEYS))
    yield
    sealing.use(None)


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[FakeUpstream]:
    with ServedFake(FakeUpstream()) as fake:
        yield fake


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a new user: development mode, an SQLite file in an empty folder."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SCRM_") and k != "DATABASE_URL"}
    return {**keep, "DATABASE_URL": f"sqlite://{tmp_path}/scrm.sqlite3", "SCRM_MODE": "development"}


@pytest.fixture
def upstream(upstream_server: FakeUpstream) -> FakeUpstream:
    upstream_server.reset()
    return upstream_server


async def _create_pg_database() -> tuple[str, str]:
    name = f"scrm_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN_URL)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}). Start it, or run only SQLite with "
            "SCRM_TEST_DATABASES=sqlite.",
            returncode=3,
        )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://", 1)
    return name, f"{base}/{name}?minsize=1&maxsize=20"


async def _drop_pg_database(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A fresh database per backend, migrated by the same code `scrm migrate` runs."""
    backend = request.param
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('db')}/test.sqlite3"
    elif backend == "postgres":
        pg_name, url = await _create_pg_database()
    else:
        raise ValueError(f"unknown backend {backend!r} in SCRM_TEST_DATABASES")
    await migrate(url)
    # Tortoise caches built INSERTs by connection name, not engine: one process switching from
    # SQLite to PostgreSQL under the same name would reuse SQLite's "?" placeholders.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        yield url
    finally:
        await Tortoise.close_connections()
        if pg_name:
            await _drop_pg_database(pg_name)


@pytest.fixture
async def db(database: str) -> str:
    """An empty database (all tables truncated, ids restarted); returns the backend name."""
    return await empty(database)


async def empty(database: str) -> str:
    """Truncate every table and restart ids; returns the backend name."""
    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    conn = connections.get("default")
    if database.startswith("sqlite"):
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
        )
        return "sqlite"
    # With the tables no model describes: insight's pre-computed ones (PostgreSQL only).
    quoted = ", ".join(
        f'"{t}"' for t in [*tables, "insight_member_purchases", "insight_cohort_cell", "insight_touch_day"]
    )
    await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    return "postgres"


def make_settings(upstream: FakeUpstream, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "mode": Mode.TEST,
        "secret_key": Secret(TEST_SECRET),
        "graphiql": False,
        "introspection": True,
        "wechat_api_base_url": upstream.base_url,
        "line_api_base_url": upstream.base_url,
        # Generous: a loaded CI machine once took over 1 s to answer the fake (a flaky sign-in).
        # The timeout behaviour itself is tested with its own short value.
        "upstream_timeout_s": 5.0,
        # Tests sign in and scan far faster than people; tests/test_rate_limits.py turns limits on.
        "rate_limits": {},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]  # the dict mixes each setting's own type


@pytest.fixture
def settings(upstream: FakeUpstream) -> Settings:
    return make_settings(upstream)


class Clock:
    """The app's clock in tests: starts at a fixed instant and moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))


class _RolledBack(Exception):
    pass


@contextlib.asynccontextmanager
async def rolled_back() -> AsyncIterator[None]:
    """Run the block in a transaction that is rolled back at its end: what the app does inside (its
    own transactions become savepoints) is undone, so data built once can serve many cases."""
    try:
        async with in_transaction():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


@pytest.fixture
async def client(db: str, settings: Settings, clock: Clock) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as gql:
        yield gql


class QueryLog(logging.Handler):
    """Counts the SQL statements tortoise sends, to catch N+1 queries."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
            self.statements.append(message)


@pytest.fixture
def query_log() -> Iterator[QueryLog]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = QueryLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
