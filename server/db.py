"""Tortoise configuration: one database, one app per package that owns tables."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import asyncpg

# Imported for its side effect first, so that our adapter below replaces the one it registers.
import tortoise.backends.sqlite.executor  # noqa: F401
from tortoise.backends.base.config_generator import expand_db_url

from foundation.settings import POSTGRES_SCHEMES


def _utc_text(value: datetime) -> str:
    """SQLite stores times as text and compares them as text: "23:00+08:00" sorts after "16:00+00:00"
    though it is the earlier instant. Every aware time is written and compared in UTC, so text order is
    time order whatever offset a client sent (PostgreSQL compares instants natively)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat(" ")


sqlite3.register_adapter(datetime, _utc_text)

# App label -> model modules. Each app's migrations live in "<package>.migrations".
# Kept acyclic (referral -> tenancy; auth, loyalty and events -> referral) so migrations apply in one order.
APPS: dict[str, tuple[list[str], str]] = {
    "tenancy": (["foundation.tenancy.models"], "foundation.tenancy.migrations"),
    "referral": (["referral.models"], "referral.migrations"),
    "auth": (["access.models"], "access.migrations"),
    "loyalty": (["loyalty.models"], "loyalty.migrations"),
    "events": (["events.models"], "events.migrations"),
    "reach": (["reach.models"], "reach.migrations"),
    "insight": (["insight.models"], "insight.migrations"),
}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            label: {"models": models, "migrations": migrations, "default_connection": "default"}
            for label, (models, migrations) in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(POSTGRES_SCHEMES):
        return database_url
    expanded = expand_db_url(database_url)
    expanded["credentials"]["reset"] = _rollback_only
    return expanded


async def _rollback_only(connection: asyncpg.Connection) -> None:
    """Reset for connections going back to the pool. tortoise takes a pool connection for every
    statement outside a transaction, and asyncpg's default reset then sends one more query
    (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL): a second round trip per statement, and
    work for PostgreSQL. We hold none of those at session level (settings are SET LOCAL, inside
    transactions); asyncpg still rolls back an open transaction before calling this."""


def __getattr__(name: str) -> Any:
    # `tortoise -c server.db.TORTOISE_ORM makemigrations` reads this; built on access so that
    # importing this module never reads (or fails on) the environment.
    if name == "TORTOISE_ORM":
        from foundation.settings import Settings

        return tortoise_config(Settings.from_env().database_url)
    raise AttributeError(name)
