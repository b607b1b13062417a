"""An even pace for sends on one channel: at most `rate` a second, spaced out rather than in bursts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


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
        """Return when the next send may go."""
        now = self._clock()
        if self._next > now:
            await self._sleep(self._next - now)
            now = self._next
        self._next = now + self._gap
