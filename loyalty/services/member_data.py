"""What loyalty holds about a member, for their data export. Nothing here identifies the person once
their profile is erased (points and claims stay, anonymous, for the brand's figures)."""

from __future__ import annotations

from typing import Any

from loyalty.models import Claim, Coupon, PointsAccount, PointsEntry


async def export(brand_id: int, member_id: int) -> dict[str, Any]:
    account = await PointsAccount.get_or_none(member_id=member_id, brand_id=brand_id)
    return {
        "points": {"balance": account.balance if account else 0, "debt": account.debt if account else 0},
        "pointsLedger": await PointsEntry.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("kind", "points", "debt_change", "balance_after", "created_at", "expires_at", "note"),
        "claims": await Claim.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("batch__sku", "claimed_at", "city", "points", "reversed_at"),
        "coupons": await Coupon.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("template__name", "code", "status", "issued_at", "expires_at", "written_off_at"),
    }
