"""Demo data for local use: one brand, one store, an HQ account, a guide and a manager."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from access import staff
from access.models import StaffRole
from foundation.tenancy import service as brands
from referral.models import GuideRole, IdentityProvider
from referral.services import guides, members, stores

DEMO_BRAND = "demo"
DEMO_HQ_USER = "hq-admin"
DEMO_HQ_PASSWORD = "demo-password"


@dataclass(frozen=True)
class DemoData:
    created: bool
    brand_slug: str = DEMO_BRAND


async def seed() -> DemoData:
    """Create the demo data once; a second run changes nothing."""
    if await brands.get_by_slug(DEMO_BRAND) is not None:
        return DemoData(created=False)
    # All or nothing: a half-seeded brand would make every later run skip the rest.
    async with in_transaction():
        await _create()
    return DemoData(created=True)


async def _create() -> None:
    brand = await brands.create(slug=DEMO_BRAND, name="Demo Formula Co.")
    store = await stores.create(brand_id=brand.id, code="SH-001", name="Jing'an Flagship", city="Shanghai")
    await staff.create(brand_id=brand.id, username=DEMO_HQ_USER, password=DEMO_HQ_PASSWORD, role=StaffRole.HQ)
    for subject, role in (("guide-demo", GuideRole.GUIDE), ("manager-demo", GuideRole.MANAGER)):
        member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=subject)
        await guides.appoint(brand_id=brand.id, member_id=member.id, store_id=store.id, role=role)
