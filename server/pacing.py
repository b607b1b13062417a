"""An even pace for sends on one channel: at most `rate` a second, spaced out rather than in bursts.
Pacer keeps the slots in the process (one worker); SharedPacer in Redis, so every worker on every
machine draws from the same slots and the channel's rate holds for all of them together."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("scrm.pacing")


class Paces(Protocol):
    async def wait(self) -> None: ...


class Pacer:
    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._gap = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next send may go. The slot is taken before sleeping, so senders waiting
        side by side get successive slots, not the same one."""
        now = self._clock()
        slot = max(self._next, now)
        self._next = slot + self._gap
        if slot > now:
            await self._sleep(slot - now)


# Take the next slot atomically, by Redis's clock (the workers' clocks may disagree): the slot is
# max(the stored next, now), the stored next moves one gap on; returns the wait in seconds, as text
# (Redis turns a Lua number into an integer).
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], string.format('%.6f', slot + tonumber(ARGV[1])), 'PX', ARGV[2])
return string.format('%.6f', slot - now)
"""


class SharedPacer:
    """Pacer's slots kept in Redis under `key`. If Redis cannot be reached, this worker paces on
    its own (the rate then holds per worker, as without Redis) until it can again."""

    def __init__(
        self,
        redis: aioredis.Redis,
        key: str,
        rate: float,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._key, self._gap = key, 1.0 / rate
        # redis-py sends the script's SHA after the first call (EVALSHA), not its text on every send.
        self._take_slot = redis.register_script(_TAKE_SLOT)
        self._sleep = sleep
        self._alone = Pacer(rate, sleep=sleep)

    async def wait(self) -> None:
        try:
            # Kept a minute past the last slot: long enough for any backlog, gone when idle.
            delay = float(await self._take_slot(keys=[self._key], args=[str(self._gap), "60000"]))
        except RedisError:
            log.warning("pacing on this worker alone: redis unreachable", extra={"key": self._key})
            await self._alone.wait()
            return
        if delay > 0:
            await self._sleep(delay)
