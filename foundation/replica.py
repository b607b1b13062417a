"""Where HQ's reports read: a PostgreSQL streaming replica (DATABASE_REPLICA_URL) when one is
configured and known to hold every commit made on the primary up to `staleness` ago, else the
primary. Writes, and every read that is not a report, always go to the primary.

The bound is kept by checking, not assumed: the primary's WAL position is read at a moment T, and
the replica is used until T + staleness only once it has replayed up to that position (so it holds
every commit made before T). A replica that is behind, paused or down sends reports to the primary
until it catches up; a local replica replays within milliseconds, so a check waits for it a little.

The replica's client is kept here, not among tortoise's connections: with two of those, every
`in_transaction()` would have to name its database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.backends.base.config_generator import expand_db_url

# How long a check waits for the replica to replay up to the primary's position: 10+20+40 ms.
_WAITS = (0.01, 0.02, 0.04)

log = logging.getLogger(__name__)
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)


@dataclass
class _Replica:
    client: BaseDBAsyncClient
    staleness_s: float
    # Monotonic times: reports may read the replica until the first, and are not to check again
    # before the second (after a failed check).
    fresh_until: float = 0.0
    retry_after: float = 0.0


_replica: _Replica | None = None


async def open_replica(url: str | None, staleness_s: float) -> None:
    """Called by the composition root at start-up (its pool opens on first use)."""
    global _replica
    if url is None:
        _replica = None
        return
    credentials = expand_db_url(url)["credentials"]
    _replica = _Replica(client=AsyncpgDBClient(connection_name="replica", **credentials), staleness_s=staleness_s)


async def close_replica() -> None:
    global _replica
    if _replica is not None:
        await _replica.client.close()
    _replica = None


def connection() -> BaseDBAsyncClient:
    """The connection the current read goes to: the replica inside `reports()` when it was fresh."""
    if _on_replica.get() and _replica is not None:
        return _replica.client
    primary: BaseDBAsyncClient = connections.get("default")
    return primary


def transaction() -> TransactionContext:
    """A transaction on that connection (a report's SET LOCAL settings live in one)."""
    return connection()._in_transaction()


def fresh_until() -> float:
    """The monotonic time until which reports read the replica without checking it again (0: none)."""
    return _replica.fresh_until if _replica is not None else 0.0


@asynccontextmanager
async def reports() -> AsyncIterator[bool]:
    """Reads within go to the replica when it is fresh enough; yields whether they do."""
    token = _on_replica.set(await _fresh())
    try:
        yield _on_replica.get()
    finally:
        _on_replica.reset(token)


async def _fresh() -> bool:
    replica = _replica
    if replica is None:
        return False
    now = time.monotonic()
    if now < replica.fresh_until:
        return True
    if now < replica.retry_after:
        return False
    try:
        taken = time.monotonic()
        [row] = await connections.get("default").execute_query_dict("SELECT pg_current_wal_lsn()::text AS lsn")
        for wait in (0.0, *_WAITS):
            await asyncio.sleep(wait)
            [done] = await replica.client.execute_query_dict(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= CAST(CAST($1 AS TEXT) AS pg_lsn), false) AS caught_up",
                [row["lsn"]],
            )
            if done["caught_up"]:
                replica.fresh_until = taken + replica.staleness_s
                return True
    except Exception as exc:
        # A replica that is down, unreachable, or refuses our credentials (asyncpg raises its own
        # errors when a pool cannot open, not tortoise's): the reports still answer, from the primary.
        log.warning("replica unavailable, reports read the primary: %s", type(exc).__name__)
    replica.retry_after = time.monotonic() + min(1.0, replica.staleness_s)
    return False
