import pytest

from foundation.integrations.clients import open_integrations
from server.notifications import Deliverer
from tests import factories


@pytest.fixture
async def town(db, settings, clock, upstream) -> dict:
    """A brand on LINE and WeChat (a subscribe template for broadcasts), a store, a guide, HQ."""
    brand = await factories.brand("acme")
    brand.line_channel_access_token = "line-channel-token"
    brand.wechat_templates = {"broadcast": "TPL-NEWS"}
    await brand.save()
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    upstream.line_channel_tokens.add("line-channel-token")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    hq = factories.staff_token(settings, await factories.staff(brand))
    return dict(brand=brand, store=store, guide=guide, hq=hq, settings=settings, clock=clock)


@pytest.fixture
async def deliver(town, settings):
    async with open_integrations(settings) as integrations:
        yield Deliverer(integrations, clock=lambda: town["clock"].now)
