"""The claim in one round trip on PostgreSQL: one call of loyalty_claim() (loyalty/migrations/0013),
which runs the rules of claims.claim_stepwise and campaigns.apply inside the database. A claim made
step by step costs 5 round trips, 18 on a first purchase with a gift coupon; each one costs a worker
more CPU than the rules themselves. A single statement is atomic without BEGIN and COMMIT, so the
call is the claim's only round trip."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from loyalty import item_codes
from loyalty.models import POINTS_VALID_DAYS, Beneficiary, Claim, Coupon, CouponStatus, Reward
from loyalty.services import batches, campaigns
from loyalty.services.claim_results import ClaimResult
from loyalty.services.coupons import COUPON_PREFIX
from referral import codes
from referral.sql import Statement

# The most coupon codes a claim of the brand wanted in this worker, if any did (a hint: a brand
# whose rules give two coupons pays a second call once per worker, not on every claim; one whose
# claims want none makes none after its first).
_codes_wanted: dict[int, int] = {}


async def claim(
    *,
    brand_id: int,
    member_id: int,
    parsed: item_codes.ItemCode,
    place: str | None,
    now: datetime,
    idempotency_key: str | None,
) -> ClaimResult | str:
    """The claim made, or the code of the refusal the function answered (REPLAY: the key has a claim)."""
    # Coupon codes are made here (Python's secrets and referral.codes' check character), as many as
    # the brand's running rules may give in one claim; the function refuses before any write when
    # given fewer, and says how many it wants.
    while True:
        wanted = _codes_wanted.get(brand_id, 1)
        q = Statement()
        rows = await q.rows(
            f"SELECT loyalty_claim({q.p(brand_id)}, {q.p(member_id)}, {q.p(parsed.batch_id)}, {q.p(parsed.serial)}, "
            f"{q.p(parsed.key_id)}, {q.p(place)}, {q.p(now)}, {q.p(idempotency_key)}, "
            f"{q.p([codes.new(COUPON_PREFIX, 10) for _ in range(wanted)])}, {q.p(POINTS_VALID_DAYS)}) AS answer"
        )
        answer = rows[0]["answer"]
        found: dict[str, Any] = json.loads(answer) if isinstance(answer, str) else answer
        if "wanted" in found:
            _codes_wanted[brand_id] = max(_codes_wanted.get(brand_id, 0), int(found["wanted"]))
        if found.get("error") == "MORE_CODES":
            continue
        if "error" in found:
            return str(found["error"])
        return _answer(
            found, brand_id=brand_id, member_id=member_id, parsed=parsed, place=place, now=now, key=idempotency_key
        )


def _answer(
    found: dict[str, Any],
    *,
    brand_id: int,
    member_id: int,
    parsed: item_codes.ItemCode,
    place: str | None,
    now: datetime,
    key: str | None,
) -> ClaimResult:
    batch = batches.as_claimed(found["batch"], batch_id=parsed.batch_id, brand_id=brand_id)
    row = Claim.construct(
        id=found["claim_id"],
        brand_id=brand_id,
        batch_id=parsed.batch_id,
        serial=parsed.serial,
        member_id=member_id,
        claimed_at=now,
        guide_id=found["guide_id"],
        store_id=found["store_id"],
        city=place,
        points=batch.points_per_item,
        idempotency_key=key,
        diverted=found["diverted"],
    )
    rewards = [_granted(r, brand_id=brand_id, claim_id=row.id, member_id=member_id, now=now) for r in found["rewards"]]
    return ClaimResult(
        claim=row, batch=batch, points_earned=found["points_earned"], balance=found["balance"], rewards=rewards
    )


def _granted(r: dict[str, Any], *, brand_id: int, claim_id: int, member_id: int, now: datetime) -> campaigns.Granted:
    coupon = None
    if r["coupon_id"] is not None:
        coupon = Coupon.construct(
            id=r["coupon_id"],
            brand_id=brand_id,
            template_id=r["template_id"],
            member_id=member_id,
            code=r["code"],
            status=CouponStatus.ISSUED,
            issued_at=now,
            expires_at=now + timedelta(days=r["valid_days"]),
            points_cost=0,
            campaign_id=r["campaign_id"],
        )
    reward = Reward.construct(
        id=r["id"],
        brand_id=brand_id,
        campaign_id=r["campaign_id"],
        claim_id=claim_id,
        beneficiary=Beneficiary(r["beneficiary"]),
        member_id=member_id,
        points=r["points"],
        points_entry_id=r["points_entry_id"],
        coupon_id=r["coupon_id"],
        shortfall=r["shortfall"],
        granted_at=now,
    )
    return campaigns.Granted(reward=reward, campaign_name=r["campaign_name"], coupon=coupon)
