"""Our scalars. DateTime, stricter than strawberry's: an instant, or a refusal the client can branch on.

A time without an offset is refused rather than guessed: the same "09:00" is a different instant in
Shanghai and in Tokyo, and a report or an event start that silently shifts by hours is worse than an
error. Times far outside the programme's life (year 0001, 9999) are refused too: they overflow when
converted between offsets. Accepted times are converted to UTC, the one offset the storage uses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NewType

import dateutil.parser
from graphql import GraphQLError
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
DATETIME_INVALID = "DATETIME_INVALID"


def _refuse(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": DATETIME_INVALID})


def parse_instant(value: object) -> datetime:
    """An RFC 3339 date-time with an offset, as an aware UTC datetime; raises a GraphQLError coded
    DATETIME_INVALID (its message never repeats the value: it may be anything a client sent)."""
    if not isinstance(value, str) or len(value) > 40:
        raise _refuse("A DateTime is a string such as 2026-11-25T09:30:00+08:00.")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise _refuse("A DateTime is a string such as 2026-11-25T09:30:00+08:00.") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _refuse("A DateTime needs its offset (Z or +08:00): without one the instant is ambiguous.")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise _refuse(f"A DateTime must fall in the years {EARLIEST_YEAR}-{LATEST_YEAR}.")
    return parsed.astimezone(UTC)


AwareDateTime = ScalarDefinition(
    name="DateTime",
    description=(
        f"An instant, RFC 3339 with its offset (2026-11-25T09:30:00+08:00 or ...Z), "
        f"years {EARLIEST_YEAR}-{LATEST_YEAR}. "
        "A time without an offset is refused (DATETIME_INVALID). Answers are in UTC."
    ),
    specified_by_url=None,
    serialize=DateTimeDefinition.serialize,
    parse_value=parse_instant,
    parse_literal=None,
    origin=datetime,
)


# JavaScript reads integers exactly up to 2**53; a revenue total can pass 2**31 (GraphQL's Int).
_SAFE = 2**53 - 1
MinorUnits = NewType("MinorUnits", int)


def _amount(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -_SAFE <= value <= _SAFE:
        raise GraphQLError("An amount is a whole number below 2^53.", extensions={"code": "AMOUNT_INVALID"})
    return value


MINOR_UNITS = ScalarDefinition(
    name="MinorUnits",
    description="A whole number of a currency's minor unit (fen for CNY, yen for JPY): a JSON number, "
    "exact in JavaScript (below 2^53).",
    specified_by_url=None,
    serialize=_amount,
    parse_value=_amount,
    parse_literal=None,
    origin=MinorUnits,
)
