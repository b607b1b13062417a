"""CPU-heavy work (password hashing, QR images, PDF sheets) runs in worker threads, a bounded number
at a time: on the event loop one argon2 check (~250 ms here) or a batch of QR images held every other
request of the worker behind it. Threads beyond the machine's cores would only queue for them."""

from __future__ import annotations

import os
import weakref
from asyncio import AbstractEventLoop, get_running_loop
from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")
SLOTS = max(2, os.cpu_count() or 2)
# One limiter per event loop: an anyio limiter belongs to the loop that first used it, and the CLI
# runs a new loop per command.
_limiters: weakref.WeakKeyDictionary[AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


async def offload(fn: Callable[..., T], *args: object) -> T:
    """fn(*args) in a worker thread, at most SLOTS at once; the caller's coroutine waits, the loop does not."""
    loop = get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(SLOTS)
    return await to_thread.run_sync(fn, *args, limiter=limiter)
