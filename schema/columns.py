"""Fields a type reads straight from the row it wraps (`self.row`): declared with their GraphQL type,
not written out as resolvers. They keep their place among the type's other fields.

    title = column(str)
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info


def _read(root: Any, info: Info) -> Any:
    return getattr(root.row, info.python_name)


def column(graphql_type: Any, *, description: str | None = None, deprecation_reason: str | None = None) -> Any:
    return strawberry.field(
        resolver=_read, graphql_type=graphql_type, description=description, deprecation_reason=deprecation_reason
    )
