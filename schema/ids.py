"""Opaque global IDs ("Type:pk", base64) so clients never build or guess database keys."""

from __future__ import annotations

import binascii

import strawberry
from strawberry.relay.utils import from_base64, to_base64

from schema.errors import SchemaError, SchemaErrorCode


def encode(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(to_base64(type_name, pk))


def decode(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key inside a global ID of this type; raises INVALID_ID."""
    try:
        found_type, raw = from_base64(value)
        pk = int(raw)
    except (ValueError, TypeError, binascii.Error):
        raise SchemaError(SchemaErrorCode.INVALID_ID, f"Not a valid {type_name} ID.", field) from None
    if found_type != type_name or pk <= 0:
        raise SchemaError(SchemaErrorCode.INVALID_ID, f"Not a valid {type_name} ID.", field)
    return pk
