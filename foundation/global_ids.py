"""Global ids: one opaque string per object ("Type:pk", base64), the same in the API, deep links,
notification payloads, export URLs and the CLI, so a client never builds or guesses a database key."""

from __future__ import annotations

import base64
import binascii

# Types whose table keys are 64-bit; every other key is a 32-bit integer. An id beyond its column's
# range names nothing we ever issued: refused before a query PostgreSQL would fail on.
_BIG_KEYS = frozenset({"Claim", "Coupon", "Registration", "Rescan", "Touch"})
_INT32_MAX, _INT64_MAX = 2**31 - 1, 2**63 - 1
_MAX_LENGTH = 100


def encode(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse(value: str) -> tuple[str, int] | None:
    """(type name, key) inside a global id, or None when it is not one we could have issued."""
    if not isinstance(value, str) or len(value) > _MAX_LENGTH:
        return None
    try:
        type_name, _, raw = base64.b64decode(value, validate=True).decode("ascii").partition(":")
        pk = int(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not type_name.isalpha() or not 0 < pk <= (_INT64_MAX if type_name in _BIG_KEYS else _INT32_MAX):
        return None
    return type_name, pk


def decode(value: str, type_name: str) -> int | None:
    """The key inside a global id of this type, or None."""
    parsed = parse(value)
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


def key_of(value: str, type_name: str) -> int | None:
    """The key a person or an older link gives: a global id of this type, or the plain number."""
    if value.isascii() and value.isdigit() and len(value) <= 19:
        pk = int(value)
        return pk if 0 < pk <= (_INT64_MAX if type_name in _BIG_KEYS else _INT32_MAX) else None
    return decode(value, type_name)
