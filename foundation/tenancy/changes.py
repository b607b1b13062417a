"""Every change of a brand's settings is recorded: what, who, when, the old and the new value."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from foundation.tenancy.models import BrandChange


async def record(
    conn: BaseDBAsyncClient, *, brand_id: int, setting: str, old: str | None, new: str | None, by: str, at: datetime
) -> None:
    """Inside the change's transaction; `by` is "staff:<id>" or "cli". A secret is never passed in clear."""
    await BrandChange.create(
        brand_id=brand_id, setting=setting, old_value=old, new_value=new, changed_by=by, changed_at=at, using_db=conn
    )
