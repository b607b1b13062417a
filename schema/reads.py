"""HQ's reports read a streaming replica when one is configured and fresh (foundation.replica); a
resolver that is a report says so with @report. What it resolves afterwards (nested fields through
the DataLoaders), every other field and every mutation read and write the primary."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from foundation import replica

P = ParamSpec("P")
R = TypeVar("R")


def report(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        async with replica.reports():
            return await fn(*args, **kwargs)

    return wrapper
