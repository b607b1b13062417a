"""A brand with a store, a guide, HQ, a batch of codes and a registered mother, as the loyalty tests
need them; each step goes through GraphQL as the mini-program or HQ console would."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from foundation.settings import Settings
from foundation.tenancy.models import Brand
from loyalty import item_codes
from loyalty.models import CodeBatch
from loyalty.services import batches
from referral.models import Guide, Member, Store
from schema import ids
from tests import factories
from tests.client import GraphQLClient
from tests.referral.helpers import consumer, register

CLAIM = """mutation($c: String!, $k: String, $city: String) {
  claimItemCode(code: $c, idempotencyKey: $k, city: $city) {
    claim { id sku diverted } pointsEarned pointsBalance replayed
    rewards { campaignName points coupon { id code status pointsCost } shortfall }
    errors { code field } } }"""
CAMPAIGN = """mutation($i: CampaignInput!) { createCampaign(input: $i) {
  campaign { id name beneficiary points couponTemplateId firstPurchase everyNth } errors { code field } } }"""
TEMPLATE = """mutation($i: CouponTemplateInput!) {
  createCouponTemplate(input: $i) { template { id issuedCount pointsPrice } errors { code field } } }"""
POINTS = "{ myPoints { balance debt expiring(days: 400) ledger(first: 50) { nodes { kind points debtChange balanceAfter note } } } }"


@dataclass
class Shop:
    client: GraphQLClient
    settings: Settings
    brand: Brand
    store: Store
    guide: Guide
    hq: str
    batch: CodeBatch
    serials: count = field(default_factory=count)

    def code(self, batch: CodeBatch | None = None, serial: int | None = None) -> str:
        keyring = self.settings.item_keyring
        batch = batch or self.batch
        return item_codes.encode(
            keyring.key(batch.key_id), batch.key_id, batch.id, next(self.serials) if serial is None else serial
        )

    async def batch_of(
        self, sku: str, points: int = 30, region: str | None = None, store: Store | None = None
    ) -> CodeBatch:
        return await batches.create(
            brand_id=self.brand.id,
            key_id=self.settings.item_keyring.current,
            sku=sku,
            product_name=sku,
            quantity=10_000,
            price_cents=29_900,
            points_per_item=points,
            region=region,
            store_id=store.id if store else None,
        )

    async def mother(self, subject: str, *, via: str | None = None) -> tuple[Member, str]:
        """A registered member; `via` is the guide's or the inviting member's code."""
        member, token = await consumer(self.settings, self.brand, subject)
        done = await register(self.client, token, **({"code": via} if via else {}))
        assert done["errors"] == [], done
        return await Member.get(id=member.id), token

    async def claim(self, token: str, code: str | None = None, key: str | None = None, city: str | None = None) -> dict:
        return await self.client.mutate(
            "claimItemCode", CLAIM, {"c": code or self.code(), "k": key, "city": city}, token=token
        )

    async def campaign(self, **input_: object) -> dict:
        body = {"name": "Rule", "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", **input_}
        return await self.client.mutate("createCampaign", CAMPAIGN, {"i": body}, token=self.hq)

    async def template(self, **input_: object) -> str:
        body = {"name": "Gift can", "kind": "GIFT", "validDays": 30, **input_}
        made = await self.client.mutate("createCouponTemplate", TEMPLATE, {"i": body}, token=self.hq)
        assert made["errors"] == [], made
        return made["template"]["id"]

    async def points(self, token: str) -> dict:
        return (await self.client.ok(POINTS, token=token))["myPoints"]


ITEM_URL = "https://mp.acme.example/i"
SET_ITEM_URL = "mutation($u: String!) { setItemUrlBase(url: $u) { itemUrlBase errors { code field } } }"


async def open_shop(client: GraphQLClient, settings: Settings) -> Shop:
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    hq = factories.staff_token(settings, await factories.staff(brand))
    # Exports are refused until the brand names the URL its cans print.
    assert (await client.mutate("setItemUrlBase", SET_ITEM_URL, {"u": ITEM_URL}, token=hq))["errors"] == []
    shop = Shop(client=client, settings=settings, brand=brand, store=store, guide=guide, hq=hq, batch=None)  # type: ignore[arg-type]  # set by the first use
    shop.batch = await shop.batch_of("MILK-900G")
    return shop


def gid(kind: str, pk: int) -> str:
    return ids.encode(kind, pk)
