"""The brand the insight tests share: two stores, A and B, with a guide each."""

from __future__ import annotations

from foundation.tenancy.models import Brand
from referral.models import Guide, Store
from tests import factories


async def two_shops() -> tuple[Brand, Store, Store, Guide, Guide]:
    brand = await factories.brand()
    a, b = await factories.store(brand, "A"), await factories.store(brand, "B")
    return brand, a, b, await factories.guide(brand, a, "ga"), await factories.guide(brand, b, "gb")
