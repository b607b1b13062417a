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
        """Return when the next send may go. The slot is taken before sleeping, so senders waiting
        side by side get successive slots, not the same one."""
        now = self._clock()
        slot = max(self._next, now)
        self._next = slot + self._gap
        if slot > now:
            await self._sleep(slot - now)
