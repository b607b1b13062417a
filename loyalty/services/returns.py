"""Returns: HQ reverses a claim (the product came back or was refunded) and, in the same transaction,
every reward it caused, for the member, their guide and their inviter.

Points are taken back from the lot they were paid into first, then from others; what the balance
cannot cover becomes debt (recorded on the ledger line), so no balance goes negative. Coupons the
claim brought are cancelled if unused; a gift already handed over cannot be taken back and is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import Claim, CodeBatch, Coupon, CouponStatus, EntryKind, PointsEntry, Reward
from loyalty.services import coupons, points
from referral.models import TouchKind
from referral.services import touches


@dataclass
class Reversal:
    claim: Claim
    points_taken: int = 0
    debt_recorded: int = 0
    coupons_cancelled: list[Coupon] = field(default_factory=list)
    # Coupons the claim brought that were already written off: the gift left the store.
    coupons_already_used: list[Coupon] = field(default_factory=list)


async def reverse(*, brand_id: int, claim_id: int, reason: str, now: datetime) -> Reversal:
    """Raises REASON_REQUIRED, CLAIM_NOT_FOUND or CLAIM_ALREADY_REVERSED (a second reversal changes nothing)."""
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 200:
        raise LoyaltyError(Code.REASON_REQUIRED, "Say why (1-200 characters): the member will see it.", "reason")
    claim = await Claim.get_or_none(id=claim_id, brand_id=brand_id)
    if claim is None:
        raise LoyaltyError(Code.CLAIM_NOT_FOUND, "No such claim.", "claim_id")
    async with in_transaction() as conn:
        # The conditional update decides: of two racing reversals, one changes the row, the other stops.
        if (
            not await Claim.filter(id=claim.id, reversed_at__isnull=True)
            .using_db(conn)
            .update(reversed_at=now, reversal_reason=reason)
        ):
            raise LoyaltyError(Code.CLAIM_ALREADY_REVERSED, "This claim was already reversed.", "claim_id")
        rewards = await Reward.filter(claim_id=claim.id, reversed_at__isnull=True).using_db(conn).order_by("id")
        accounts = await points.lock(
            conn, brand_id=brand_id, member_ids={claim.member_id} | {r.member_id for r in rewards}
        )
        result = Reversal(claim=await Claim.filter(id=claim.id).using_db(conn).get())
        own_lot = (
            await PointsEntry.filter(claim_id=claim.id, kind=EntryKind.EARN, member_id=claim.member_id)
            .using_db(conn)
            .first()
        )
        takebacks = [(claim.member_id, claim.points, own_lot.id if own_lot else None, "return")]
        takebacks += [(r.member_id, r.points, r.points_entry_id, f"return: reward {r.id}") for r in rewards if r.points]
        for member_id, amount, lot_id, note in takebacks:
            line = await points.deduct(
                conn,
                accounts[member_id],
                amount,
                now=now,
                kind=EntryKind.REVERSE,
                allow_debt=True,
                prefer_lot_id=lot_id,
                claim_id=claim.id,
                note=note,
            )
            result.points_taken += -line.points
            result.debt_recorded += line.debt_change
        for reward in rewards:
            if reward.coupon_id is not None:
                coupon = await Coupon.filter(id=reward.coupon_id).using_db(conn).get()
                if await coupons.cancel_within(conn, coupon, now=now):
                    result.coupons_cancelled.append(coupon)
                elif coupon.status is CouponStatus.WRITTEN_OFF:
                    result.coupons_already_used.append(coupon)
        await Reward.filter(id__in=[r.id for r in rewards]).using_db(conn).update(reversed_at=now)
        batch = await CodeBatch.filter(id=claim.batch_id).using_db(conn).get()
        await touches.record(
            brand_id=brand_id,
            member_id=claim.member_id,
            kind=TouchKind.PURCHASE_REVERSED,
            at=now,
            guide_id=claim.guide_id,
            store_id=claim.store_id,
            amount_cents=-batch.price_cents,
            source=f"return:{claim.id}",
            product=batch.sku,
            product_line=batch.product_line,
            campaign_id=min((r.campaign_id for r in rewards), default=None),
            conn=conn,
        )
    return result
