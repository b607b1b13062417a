"""A brand's loyalty settings, created with defaults on first use."""

from __future__ import annotations

from foundation.rows import one_per_brand
from loyalty.models import LoyaltyPolicy


async def get(*, brand_id: int) -> LoyaltyPolicy:
    return await one_per_brand(LoyaltyPolicy, brand_id=brand_id)
