"""One WeChat access token per app for every worker and machine. WeChat allows 2,000 token fetches
a day per app, and a new token makes the previous one stop working within minutes, so workers that
each fetch their own both waste the allowance and break each other's calls.

The token lives in Redis when configured, else in the database. It is replaced once, some minutes
before WeChat's expiry: the first worker to find it stale claims the refresh (a conditional write,
atomic on every engine), fetches, and stores; the others wait for its token rather than fetch."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import redis.asyncio as aioredis
from tortoise.expressions import Q

from foundation.tenancy.models import PlatformToken

# Refresh this long before WeChat's expiry: the old token keeps working for about 5 minutes after a
# new one is issued, so no call sees a gap.
REFRESH_MARGIN_S = 300
CLAIM_S = 15.0
WAIT_STEP_S = 0.05


@dataclass(frozen=True)
class Fetched:
    token: str
    expires_in_s: int


Fetch = Callable[[], Awaitable[Fetched]]


class TokenStore(Protocol):
    async def read(self, key: str) -> str | None: ...
    async def claim(self, key: str) -> bool: ...
    async def store(self, key: str, token: str, ttl_s: float) -> None: ...
    async def forget(self, key: str, token: str) -> None: ...
    async def release(self, key: str) -> None: ...


class DatabaseTokens:
    async def read(self, key: str) -> str | None:
        row = await PlatformToken.get_or_none(key=key)
        if row is None or row.token is None or row.expires_at is None or row.expires_at <= _now():
            return None
        return row.token

    async def claim(self, key: str) -> bool:
        now = _now()
        await PlatformToken.get_or_create(key=key)
        claimed = await PlatformToken.filter(Q(refreshing_until=None) | Q(refreshing_until__lt=now), key=key).update(
            refreshing_until=now + timedelta(seconds=CLAIM_S)
        )
        return claimed == 1

    async def store(self, key: str, token: str, ttl_s: float) -> None:
        row = await PlatformToken.get(key=key)
        row.token, row.fingerprint = token, _fingerprint(token)
        row.expires_at, row.refreshing_until = _now() + timedelta(seconds=ttl_s), None
        await row.save()

    async def forget(self, key: str, token: str) -> None:
        # Conditional: a worker late to report the old token must not drop the new one.
        await PlatformToken.filter(key=key, fingerprint=_fingerprint(token)).update(expires_at=None)

    async def release(self, key: str) -> None:
        await PlatformToken.filter(key=key).update(refreshing_until=None)


class RedisTokens:
    def __init__(self, client: aioredis.Redis, prefix: str = "scrm:token:") -> None:
        self._redis = client
        self._prefix = prefix

    async def read(self, key: str) -> str | None:
        value = await self._redis.get(self._prefix + key)
        if not value:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def claim(self, key: str) -> bool:
        return bool(await self._redis.set(self._prefix + key + ":refreshing", "1", nx=True, px=int(CLAIM_S * 1000)))

    async def store(self, key: str, token: str, ttl_s: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._prefix + key, token, px=int(ttl_s * 1000))
            pipe.delete(self._prefix + key + ":refreshing")
            await pipe.execute()

    async def forget(self, key: str, token: str) -> None:
        # Compare and delete in one step: a worker late to report the old token must not drop the new one.
        await self._redis.eval(_DELETE_IF_EQUAL, 1, self._prefix + key, token)

    async def release(self, key: str) -> None:
        await self._redis.delete(self._prefix + key + ":refreshing")


class SharedTokens:
    def __init__(self, store: TokenStore) -> None:
        self._store = store

    async def current(self, key: str, fetch: Fetch) -> str:
        """The shared token, fetched by exactly one worker when there is none or it is about to expire."""
        deadline = time.monotonic() + CLAIM_S + 1
        while True:
            token = await self._store.read(key)
            if token is not None:
                return token
            if await self._store.claim(key):
                # Another worker may have stored a token between our read and our claim.
                stored = await self._store.read(key)
                if stored is not None:
                    await self._store.release(key)
                    return stored
                try:
                    fetched = await fetch()
                except BaseException:
                    await self._store.release(key)  # let the next caller try at once
                    raise
                await self._store.store(key, fetched.token, max(60, fetched.expires_in_s - REFRESH_MARGIN_S))
                return fetched.token
            if time.monotonic() > deadline:  # the claimant died: its claim lapses and we take it
                deadline = time.monotonic() + CLAIM_S + 1
            await asyncio.sleep(WAIT_STEP_S)

    async def forget(self, key: str, token: str) -> None:
        """WeChat said this token is no longer valid: the next call fetches another."""
        await self._store.forget(key, token)


_DELETE_IF_EQUAL = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)
