"""What every `scrm` command shares: a refusal that exits 1 with its message, and a database session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise import Tortoise

from foundation.settings import Settings
from server.db import tortoise_config


class Refused(Exception):
    """The command cannot do what was asked; the message says why (exit status 1)."""


def with_db(settings: Settings, fn: Callable[[], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await fn()
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())
