"""Domain enums shown to clients, each value with the sentence the schema documents it by."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry

E = TypeVar("E", bound=Enum)


def client_enum(cls: type[E], description: str, values: Mapping[Any, str], name: str | None = None) -> Any:
    """`cls` as a GraphQL enum; `values` describes every member (keyed by member or by name), or this raises
    at import.

    Returns Any: strawberry's enum is a type to GraphQL and a variable to mypy."""
    described = {m.name: values.get(m, values.get(m.name)) for m in cls}
    missing = [name for name, text in described.items() if not text]
    if missing:
        raise TypeError(f"{cls.__name__}: no description for {', '.join(missing)}")
    enum = strawberry.enum(cls, name=name, description=description)
    for value in enum.__strawberry_definition__.values:
        value.description = described[value.name]
    return enum
