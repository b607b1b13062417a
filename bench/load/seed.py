"""The brand the load test runs against: stores, guides, registered members (a third invited by
another member), the reference campaigns, gift coupons for guides to write off, and events."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise import Tortoise

from access import staff
from access.models import StaffRole
from bench.claims_http import reference_campaigns
from events.services import events
from foundation.auth import tokens
from foundation.settings import Settings
from foundation.tenancy import service as brands
from loyalty.models import CouponKind
from loyalty.services import batches, coupons
from referral.models import IdentityProvider
from referral.services import guides, members, stores
from server.db import tortoise_config

WECHAT_APPID, WECHAT_SECRET = "wxload0000000001", "load-app-secret"


@dataclass
class Seeded:
    brand_slug: str
    key_id: int
    batch_id: int
    hq_token: str
    member_tokens: list[str]
    guide_tokens: list[str]
    # Coupon codes each guide may write off (in their store), consumed by the load.
    coupons_by_guide: list[list[str]]
    event_ids: list[str]
    store_ids: list[str] = field(default_factory=list)


async def seed(url: str, settings: Settings, *, members_n: int, stores_n: int = 5, guides_per_store: int = 4) -> Seeded:
    from schema import ids

    secret = str(settings.secret_key)

    def token(kind: str, principal_id: int, brand_id: int) -> str:
        return tokens.issue(secret=secret, brand_id=brand_id, kind=kind, principal_id=principal_id, ttl_s=4 * 3600)[0]

    await Tortoise.init(config=tortoise_config(url))
    try:
        now = datetime.now(UTC)
        brand = await brands.create(
            slug="load", name="Load test", wechat_appid=WECHAT_APPID, wechat_secret=WECHAT_SECRET
        )
        shop_guides, store_rows = [], []
        for s in range(stores_n):
            store = await stores.create(brand_id=brand.id, code=f"S{s}", name=f"Store {s}")
            store_rows.append(store)
            for g in range(guides_per_store):
                member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"g{s}-{g}")
                shop_guides.append(await guides.appoint(brand_id=brand.id, member_id=member.id, store_id=store.id))
        rng = random.Random(7)
        registered, member_tokens, coupons_by_guide = [], [], [[] for _ in shop_guides]
        gift = await coupons.create_template(
            brand_id=brand.id, name="Welcome gift", kind=CouponKind.GIFT, valid_days=30
        )
        for i in range(members_n):
            member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"m{i}")
            g = rng.randrange(len(shop_guides))
            via = registered[rng.randrange(len(registered))].invite_code if i % 3 == 2 else shop_guides[g].invite_code
            registered.append(await members.register(brand_id=brand.id, member_id=member.id, now=now, code=via))
            member_tokens.append(token("member", member.id, brand.id))
            coupon = await coupons.issue(brand_id=brand.id, template_id=gift.id, member_id=member.id, now=now)
            coupons_by_guide[g].append(coupon.code)
        batch = await batches.create(
            brand_id=brand.id,
            key_id=settings.item_keyring.current,
            sku="MILK-900G",
            product_name="Stage 1",
            quantity=10_000_000,
            price_cents=29_900,
            points_per_item=30,
        )
        await reference_campaigns(brand.id, now)
        hq = await staff.create(brand_id=brand.id, username="hq-load", password="load-test-password", role=StaffRole.HQ)
        start = now + timedelta(days=10)
        event_ids = []
        for e in range(5):
            spec = events.EventSpec(
                title=f"Baby class {e}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=200,
                place="Store",
            )
            row = await events.create(brand_id=brand.id, store_id=store_rows[e % stores_n].id, spec=spec, now=now)
            await events.publish(brand_id=brand.id, event_id=row.id, store_scope=None, now=now)
            event_ids.append(ids.encode("Event", row.id))
        return Seeded(
            brand_slug="load",
            key_id=batch.key_id,
            batch_id=batch.id,
            hq_token=token("staff", hq.id, brand.id),
            member_tokens=member_tokens,
            guide_tokens=[token("member", g.member_id, brand.id) for g in shop_guides],
            coupons_by_guide=coupons_by_guide,
            event_ids=event_ids,
            store_ids=[ids.encode("Store", s.id) for s in store_rows],
        )
    finally:
        await Tortoise.close_connections()
