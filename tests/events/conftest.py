import pytest

from tests import factories


@pytest.fixture
async def town(db, settings, clock) -> dict:
    """A brand with a store, a guide and HQ."""
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    hq = factories.staff_token(settings, await factories.staff(brand))
    return dict(brand=brand, store=store, guide=guide, hq=hq, settings=settings, clock=clock)
