"""Opaque global IDs ("Type:pk", base64) so clients never build or guess database keys."""

from __future__ import annotations

import binascii

import strawberry
from strawberry.relay.utils import from_base64, to_base64

from schema.errors import SchemaError, SchemaErrorCode

# Types whose table keys are 64-bit; every other key is a 32-bit integer. An id beyond its column's
# range names nothing we ever issued: refused here, before a query PostgreSQL would fail on.
_BIG_KEYS = frozenset({"Claim", "Coupon", "Registration", "Rescan", "Touch"})
_INT32_MAX, _INT64_MAX = 2**31 - 1, 2**63 - 1


def encode(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(to_base64(type_name, pk))


def decode(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key inside a global ID of this type; raises INVALID_ID."""
    try:
        found_type, raw = from_base64(value)
        pk = int(raw)
    except (ValueError, TypeError, binascii.Error):
        raise SchemaError(SchemaErrorCode.INVALID_ID, f"Not a valid {type_name} ID.", field) from None
    if found_type != type_name or not 0 < pk <= (_INT64_MAX if type_name in _BIG_KEYS else _INT32_MAX):
        raise SchemaError(SchemaErrorCode.INVALID_ID, f"Not a valid {type_name} ID.", field)
    return pk
