"""Diversion and counterfeit signals for HQ, and a claim racing its batch's revocation."""

import asyncio

import pytest
from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError
from loyalty.models import Claim, CodeBatch
from loyalty.services import claims
from tests import factories
from tests.loyalty.scenario import Shop, gid, open_shop

SIGNALS = """query($b: ID) {
  flaggedBatches { batch { sku } claims divertedClaims suspiciousScans }
  divertedClaims(batchId: $b) { nodes { serial city diverted } }
  suspiciousScans(batchId: $b) { nodes { serial city byClaimer } } }"""


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    return await open_shop(client, settings)


async def test_diversion_and_possible_counterfeits_are_listed_for_hq(shop) -> None:
    zhejiang = await shop.batch_of("MILK-ZJ", region="Hangzhou")
    store_only = await shop.batch_of("MILK-S1", store=await factories.store(shop.brand, "S2"))
    mum, mum_token = await shop.mother("mum", via=shop.guide.invite_code)
    _, other_token = await shop.mother("other")

    at_home = await shop.claim(mum_token, shop.code(zhejiang, 1), city="hangzhou")
    diverted = await shop.claim(mum_token, shop.code(zhejiang, 2), city="Shenzhen")
    unknown_place = await shop.claim(mum_token, shop.code(zhejiang, 3))
    wrong_store = await shop.claim(mum_token, shop.code(store_only, 1))
    assert [r["claim"]["diverted"] for r in (at_home, diverted, unknown_place, wrong_store)] == [
        False,
        True,
        False,
        True,
    ]

    # The same code again: by the claimer in the same city (a double tap), by someone else, by the claimer elsewhere.
    for token, city in ((mum_token, "Hangzhou"), (other_token, "Hangzhou"), (mum_token, "Wuhan")):
        again = await shop.claim(token, shop.code(zhejiang, 1), city=city)
        assert again["errors"] == [{"code": "ITEM_CODE_ALREADY_CLAIMED", "field": "code"}]

    seen = await shop.client.ok(SIGNALS, {"b": gid("CodeBatch", zhejiang.id)}, token=shop.hq)
    assert seen["flaggedBatches"] == [
        {"batch": {"sku": "MILK-ZJ"}, "claims": 3, "divertedClaims": 1, "suspiciousScans": 2},
        {"batch": {"sku": "MILK-S1"}, "claims": 1, "divertedClaims": 1, "suspiciousScans": 0},
    ]
    assert seen["divertedClaims"]["nodes"] == [{"serial": 2, "city": "Shenzhen", "diverted": True}]
    assert seen["suspiciousScans"]["nodes"] == [
        {"serial": 1, "city": "Wuhan", "byClaimer": True},
        {"serial": 1, "city": "Hangzhou", "byClaimer": False},
    ]
    # Flags never block: the diverted claim earned its points like any other.
    assert diverted["pointsEarned"] == 30


async def test_a_claim_racing_the_revocation_of_its_batch_loses(shop, clock) -> None:
    mum, _ = await shop.mother("mum")
    revoking, release = asyncio.Event(), asyncio.Event()

    async def revoke_slowly() -> None:
        async with in_transaction() as conn:
            await CodeBatch.filter(id=shop.batch.id).using_db(conn).update(revoked_at=clock.now)
            revoking.set()
            await release.wait()

    revoker = asyncio.create_task(revoke_slowly())
    await revoking.wait()
    # The batch still looks live to anyone outside the revoking transaction.
    claim = asyncio.create_task(
        claims.claim(
            keyring=shop.settings.item_keyring,
            brand_id=shop.brand.id,
            member_id=mum.id,
            code=shop.code(),
            now=clock.now,
        )
    )
    await asyncio.sleep(0.3)
    assert not claim.done()  # waiting on the batch row (PostgreSQL) or the one writer (SQLite)
    release.set()
    await revoker
    with pytest.raises(LoyaltyError) as refused:
        await claim
    assert refused.value.code == "BATCH_REVOKED" and await Claim.all().count() == 0
