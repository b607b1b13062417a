"""Small row helpers: rows every brand has one of (a policy, settings), made with their defaults on
first use; one integer column of a query."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


async def one_per_brand(model: type[M], *, brand_id: int) -> M:
    """The brand's row of `model` (unique on brand), created with defaults if missing."""
    row = await model.get_or_none(brand_id=brand_id)
    if row is None:
        try:
            row = await model.create(brand_id=brand_id)
        except IntegrityError:  # created concurrently: the other one stands
            row = await model.get(brand_id=brand_id)
    return row


async def column(query: QuerySet[Any], field: str = "id") -> list[int]:
    """One integer column of the query's rows. values_list(..., flat=True) returns exactly this, but
    tortoise types it as a list of tuples; this says what it is once, for every caller."""
    return cast(list[int], await query.values_list(field, flat=True))
