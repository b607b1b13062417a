"""Stores of a brand."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Store

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def query(*, brand_id: int) -> QuerySet[Store]:
    """All stores of the brand, oldest first."""
    return Store.filter(brand_id=brand_id).order_by("id")


async def get(*, brand_id: int, store_id: int) -> Store:
    """Return the brand's store; raises STORE_NOT_FOUND (also for another brand's store)."""
    store = await Store.get_or_none(id=store_id, brand_id=brand_id)
    if store is None:
        raise ReferralError(Code.STORE_NOT_FOUND, "No such store.", "id")
    return store


async def create(*, brand_id: int, code: str, name: str, city: str | None = None) -> Store:
    """Create a store; raises STORE_CODE_INVALID, STORE_NAME_INVALID or STORE_CODE_TAKEN."""
    code, name = code.strip(), name.strip()
    if not _CODE.fullmatch(code):
        raise ReferralError(Code.STORE_CODE_INVALID, "Store code: 1-32 letters, digits, '-' or '_'.", "code")
    if not 1 <= len(name) <= 120:
        raise ReferralError(Code.STORE_NAME_INVALID, "Store name: 1-120 characters.", "name")
    try:
        return await Store.create(brand_id=brand_id, code=code, name=name, city=(city or "").strip() or None)
    except IntegrityError:
        raise ReferralError(Code.STORE_CODE_TAKEN, f"Store code {code} is already used.", "code") from None
