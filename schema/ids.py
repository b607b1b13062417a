"""Global ids in the API (foundation.global_ids), refused with INVALID_ID when malformed."""

from __future__ import annotations

import strawberry

from foundation import global_ids
from schema.errors import SchemaError, SchemaErrorCode


def encode(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(global_ids.encode(type_name, pk))


def decode(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key inside a global ID of this type; raises INVALID_ID."""
    pk = global_ids.decode(value, type_name)
    if pk is None:
        raise SchemaError(SchemaErrorCode.INVALID_ID, f"Not a valid {type_name} ID.", field)
    return pk
