"""Rows every brand has one of (a policy, settings), made with their defaults on first use."""

from __future__ import annotations

from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

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
