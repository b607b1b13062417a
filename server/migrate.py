"""Apply the versioned migrations (never generate_schemas) to the configured database."""

from __future__ import annotations

from collections.abc import Callable

from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_api

from server.db import tortoise_config


async def migrate(database_url: str, *, progress: Callable[[str, str, str], object] | None = None) -> None:
    """Bring the database to the latest migration of every app."""
    try:
        await migrate_api(config=tortoise_config(database_url), progress=progress)
    finally:
        await Tortoise.close_connections()
