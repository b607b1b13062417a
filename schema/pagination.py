"""Cursor pagination done in SQL (keyset on the primary key), never by slicing in Python."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry.relay.utils import from_base64, to_base64
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import SchemaError, SchemaErrorCode

MAX_PAGE = 100
DEFAULT_PAGE = 20

N = TypeVar("N")
M = TypeVar("M", bound=Model)


@strawberry.type(description="Where a page ends, and whether another follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether a next page exists.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )


@strawberry.type(description="One item of a page, with the cursor that points at it.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Opaque; pass as `after` to continue after this item.")
    node: N = strawberry.field(description="The item.")


@strawberry.type(description="One page of a list (cursor pagination: pass `pageInfo.endCursor` as `after`).")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]


def _cursor(pk: int) -> str:
    return to_base64("cursor", pk)


def _after_pk(after: str) -> int:
    try:
        kind, raw = from_base64(after)
        if kind != "cursor":
            raise ValueError(kind)
        return int(raw)
    except (ValueError, TypeError):
        raise SchemaError(SchemaErrorCode.INVALID_PAGINATION, "Not a valid cursor.", "after") from None


async def paginate(
    queryset: QuerySet[M], *, first: int, after: str | None, to_node: Callable[[M], N], newest_first: bool = False
) -> Connection[N]:
    """One page of `queryset` in `id` order (descending if newest_first); raises INVALID_PAGINATION."""
    if not 1 <= first <= MAX_PAGE:
        raise SchemaError(SchemaErrorCode.INVALID_PAGINATION, f"first must be 1-{MAX_PAGE}.", "first")
    if after is not None:
        pk = _after_pk(after)
        queryset = queryset.filter(id__lt=pk) if newest_first else queryset.filter(id__gt=pk)
    rows = await queryset.order_by("-id" if newest_first else "id").limit(first + 1)
    page = rows[:first]
    edges = [Edge(cursor=_cursor(row.pk), node=to_node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )
