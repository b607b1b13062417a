"""What loyalty holds about a member, for their data export. Nothing here identifies the person once
their profile is erased (points, claims and purchases stay, anonymous, for the brand's figures; an
imported order's keys that named them go with the account)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from loyalty.models import Claim, Coupon, ImportedOrder, PointsAccount, PointsEntry, StorePurchase


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
        "storePurchases": await StorePurchase.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("receipt_number", "items", "total_cents", "points", "purchased_at"),
        "importedOrders": await ImportedOrder.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("order_number", "channel", "items", "total_cents", "points", "ordered_at", "returned_at"),
    }


async def erase(conn: BaseDBAsyncClient, brand_id: int, member_id: int, now: datetime) -> None:
    """Inside the erasure's transaction: the phone, unionid and code an imported order named them by."""
    await (
        ImportedOrder.filter(member_id=member_id, brand_id=brand_id)
        .using_db(conn)
        .update(phone=None, unionid=None, member_code=None)
    )
