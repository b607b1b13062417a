"""What every `scrm` command shares: a refusal that exits 1 with its message, a database that cannot
be used (exit 3, one line naming the database without its password), and a database session."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import ConfigurationError, DBConnectionError, OperationalError

from foundation.settings import Settings
from server.db import tortoise_config

# What connecting can raise: a refused or unreachable host, an unknown scheme or a malformed URL, a
# role or database PostgreSQL does not know, a SQLite file that cannot be opened.
_CONNECTING = (
    OSError,
    ConfigurationError,
    DBConnectionError,
    OperationalError,
    asyncpg.PostgresError,
    sqlite3.Error,
    ValueError,
)


class Refused(Exception):
    """The command cannot do what was asked; the message says why (exit status 1)."""


class DatabaseUnavailable(Exception):
    """The configured database cannot be reached or opened (exit status 3)."""


def where(database_url: str) -> str:
    """The URL without its password, fit for a message."""
    try:
        parts = urlsplit(database_url)
        if parts.password is None:
            return database_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "(an unreadable DATABASE_URL)"


async def connect(settings: Settings) -> None:
    """Open the database and check it answers; raises DatabaseUnavailable in one line."""
    try:
        _open_sqlite_file(settings.database_url)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        await connections.get("default").execute_query("SELECT 1")
    except _CONNECTING as exc:
        with contextlib.suppress(*_CONNECTING):  # a URL tortoise cannot read fails to close as well
            await Tortoise.close_connections()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"cannot use the database at {where(settings.database_url)}: {reason}") from None


def _open_sqlite_file(database_url: str) -> None:
    """Open a SQLite file directly first: when aiosqlite fails to, its worker thread outlives the
    event loop and prints a traceback at exit."""
    if database_url.startswith("sqlite://"):
        path = expand_db_url(database_url)["credentials"]["file_path"]
        sqlite3.connect(path).close()


def check_database(settings: Settings) -> None:
    """Connect once and close: a command that manages its own connections checks first."""

    async def run() -> None:
        await connect(settings)
        await Tortoise.close_connections()

    asyncio.run(run())


def with_db(settings: Settings, fn: Callable[[], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        await connect(settings)
        try:
            return await fn()
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())
