"""Which operations are rate-limited, and by what subject: the one place to read or change it.
The counting itself is foundation/ratelimit.py."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from strawberry.types import Info

P = ParamSpec("P")
R = TypeVar("R")

Subject = Callable[[Info, dict[str, Any]], str | None]


def by_ip(info: Info, kwargs: dict[str, Any]) -> str | None:
    # Behind a proxy, uvicorn's --proxy-headers puts the client's address here.
    client = info.context.request.client
    return client.host if client else None


def by_member(info: Info, kwargs: dict[str, Any]) -> str | None:
    caller = info.context.caller
    return str(caller.member_id) if caller and caller.member_id else None


def by_account(info: Info, kwargs: dict[str, Any]) -> str | None:
    return f"{kwargs.get('brand', '')}/{str(kwargs.get('username', '')).strip().lower()}"


SCAN = (("scan.member", by_member), ("scan.ip", by_ip))
# A guide types coupon codes: limited so that a guide's account cannot be used to guess them.
WRITE_OFF = (("write-off.guide", by_member),)


def by_searching_member(info: Info, kwargs: dict[str, Any]) -> str | None:
    return by_member(info, kwargs) if str(kwargs.get("search") or "").strip() else None


# Only searches count: paging through one's own members is not guessing.
SEARCH = (("search.guide", by_searching_member),)
SIGN_IN = (("sign-in.ip", by_ip),)
STAFF_SIGN_IN = (("sign-in.ip", by_ip), ("sign-in.account", by_account))


def throttled(
    rules: tuple[tuple[str, Subject], ...],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Count the attempt under each rule before the resolver runs; over a limit it raises
    RateLimited, which `mutation_payload` (applied above this) turns into a typed error.
    Every attempt counts, refused ones included: that is what slows guessing."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            info = kwargs.get("info") or next(a for a in args if isinstance(a, Info))
            attempts = [
                (rule, subject) for rule, subject_of in rules if (subject := subject_of(info, kwargs)) is not None
            ]
            await info.context.limiter.check(attempts)
            return await fn(*args, **kwargs)

        return wrapper

    return decorate
