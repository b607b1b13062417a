"""One error vocabulary for clients: domain exceptions become typed payload errors."""

from __future__ import annotations

import functools
import typing
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from events.errors import EventError, EventErrorCode
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.codes import Code
from foundation.metrics import count_outcome
from foundation.ratelimit import RateLimited, RateLimitErrorCode
from foundation.tenancy.errors import TenancyError, TenancyErrorCode
from foundation.verbatim import Verbatim
from insight.errors import InsightError, InsightErrorCode
from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from reach.errors import ReachError, ReachErrorCode
from referral.errors import ReferralError, ReferralErrorCode


class SchemaErrorCode(Code):
    """Errors of the GraphQL translation itself, before any domain rule runs."""

    INVALID_ID = "INVALID_ID", "An id argument is malformed or out of range."
    INVALID_PAGINATION = "INVALID_PAGINATION", "`first` is out of range or `after` is not a cursor this list gave."
    CONFIRMATION_REQUIRED = "CONFIRMATION_REQUIRED", "This irreversible action needs its confirmation argument set."


class SchemaError(Exception):
    def __init__(self, code: SchemaErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


DomainError = (
    AuthError
    | TenancyError
    | ReferralError
    | LoyaltyError
    | EventError
    | ReachError
    | InsightError
    | SchemaError
    | RateLimited
)
DOMAIN_ERRORS: tuple[type[Exception], ...] = typing.get_args(DomainError)

# Enum's functional form (members computed from the domains' codes) is an instance to mypy, not a class.
ErrorCode = strawberry.enum(  # type: ignore[call-overload]
    Enum(
        "ErrorCode",
        {
            m.value: strawberry.enum_value(m.value, description=m.description)
            for codes in (
                SchemaErrorCode,
                RateLimitErrorCode,
                AuthErrorCode,
                TenancyErrorCode,
                ReferralErrorCode,
                LoyaltyErrorCode,
                EventErrorCode,
                ReachErrorCode,
                InsightErrorCode,
            )
            for m in codes
        },
    ),
    description="Why a request was refused; stable, for the client to branch on.",
)


@strawberry.type(description="A refusal the client can show: a stable code, a message, and the input at fault.")
class UserError:
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        description="Stable; branch on it."
    )
    message: str = strawberry.field(description="Safe to show the user as it is (English).")
    field: str | None = strawberry.field(
        default=None, description="The argument or input field at fault, as the client named it; null if none."
    )

    @classmethod
    def of(cls, exc: DomainError) -> UserError:
        # Domains name their own fields (idempotency_key, event_id); the client sees the argument's
        # name, which strawberry derives from the same Python name.
        return cls(code=ErrorCode(exc.code.value), message=exc.message, field=argument_name(exc.field))


def refusals() -> Any:
    """A payload's `errors` field: every mutation payload carries one, documented once."""
    return strawberry.field(default_factory=list, description="Why the request was refused; empty when it succeeded.")


def argument_name(field: str | None) -> str | None:
    """The GraphQL name of a domain field; a Verbatim one is data and stays as it is."""
    if field is None or isinstance(field, Verbatim):
        return field
    return to_camel_case(field)


class ClientError(GraphQLError):
    """A top-level GraphQL error meant for the client: never masked, always carries a code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})


def as_client_error(exc: DomainError) -> ClientError:
    return ClientError(exc.code.value, exc.message)


P = ParamSpec("P")
R = TypeVar("R")


async def or_null(lookup: Callable[[], Awaitable[R]]) -> R | None:
    """The lookup's answer, or None when a domain refuses it (no such row, another brand's, a
    malformed id): a field that reads one thing answers null, and says nothing about why.

    Any other refusal in a query is a top-level error with the domain's code and message, unmasked:
    should_mask keeps it, and the HTTP layer adds its code (server/graphql_http._format)."""
    try:
        return await lookup()
    except DOMAIN_ERRORS:
        return None


def null_when_refused(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
    """or_null for a whole resolver."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        return await or_null(lambda: fn(*args, **kwargs))

    return wrapper


def mutation_payload(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn the domain errors a mutation raises into its payload's `errors`; nothing else is caught."""
    payload_type: list[type[Any]] = []

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = await fn(*args, **kwargs)
        except DOMAIN_ERRORS as exc:
            # A field that checks the session in its own statement (CHECK_OWN_SESSION) has the
            # session read before it reports a refusal: a revoked one is told so, as elsewhere.
            info = kwargs.get("info") or next((a for a in args if isinstance(a, Info)), None)
            if isinstance(info, Info):
                await info.context.confirm_session()
            count_outcome(fn.__name__, exc.code.value)
            if not payload_type:
                # Protected mutations return `Payload | None`, so a refused permission nulls only this field.
                hint = typing.get_type_hints(fn)["return"]
                payload_type.append(next((a for a in typing.get_args(hint) if a is not type(None)), hint))
            # The payload type is read from the resolver's annotation at run time.
            return payload_type[0](errors=[UserError.of(exc)])  # type: ignore[arg-type]
        count_outcome(fn.__name__, "ok")
        return result

    return wrapper


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions; keep GraphQL's own errors and those written for the client."""
    original = error.original_error
    if original is None:
        return False
    # A GraphQLError (ours, or a permission class's) was raised on purpose, for the client.
    return not isinstance(original, (GraphQLError, *DOMAIN_ERRORS))
