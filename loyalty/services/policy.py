"""A brand's loyalty settings, created with defaults on first use."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from loyalty.models import LoyaltyPolicy


async def get(*, brand_id: int) -> LoyaltyPolicy:
    policy = await LoyaltyPolicy.get_or_none(brand_id=brand_id)
    if policy is None:
        try:
            policy = await LoyaltyPolicy.create(brand_id=brand_id)
        except IntegrityError:  # created concurrently: the other one stands
            policy = await LoyaltyPolicy.get(brand_id=brand_id)
    return policy


def item_url(policy: LoyaltyPolicy, code: str) -> str:
    return f"{policy.item_url_base}?i={code}"
