"""Returns of imported orders: what the order earned is taken back (purchase_returns). An order
returned before any member matched it is kept returned, and never credited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import ImportedOrder
from loyalty.services import purchase_returns
from loyalty.services.order_matching import order_note
from referral.sql import Statement


@dataclass(frozen=True)
class Returned:
    order: ImportedOrder
    points_taken: int
    debt_recorded: int


async def reverse(*, brand_id: int, order_number: str, reason: str, now: datetime) -> Returned:
    """Raises REASON_REQUIRED, ORDER_NOT_FOUND or ORDER_ALREADY_RETURNED (a second return changes nothing)."""
    reason = purchase_returns.reason_of(reason)
    number = (order_number or "").strip()
    if not 1 <= len(number) <= 64:
        raise LoyaltyError(Code.ORDER_NOT_FOUND, "No imported order has this number.", "order_number")
    async with in_transaction() as conn:
        q = Statement(conn)
        # The conditional update decides: of a return racing a match or another return, the first
        # to change the row wins, and this one sees the row as that left it.
        marked = await q.rows(
            f"UPDATE imported_order SET returned_at = {q.p(now)}, return_reason = {q.p(reason)} "
            f"WHERE brand_id = {q.p(brand_id)} AND order_number = {q.p(number)} AND returned_at IS NULL "
            "RETURNING id, member_id, points, matched_at"
        )
        if not marked:
            if await ImportedOrder.exists(brand_id=brand_id, order_number=number):
                raise LoyaltyError(Code.ORDER_ALREADY_RETURNED, "This order was already returned.", "order_number")
            raise LoyaltyError(Code.ORDER_NOT_FOUND, "No imported order has this number.", "order_number")
        row = marked[0]
        back = purchase_returns.TakenBack(0, 0)
        if row["matched_at"] is not None:
            back = await purchase_returns.take_back(
                conn,
                brand_id=brand_id,
                member_id=int(row["member_id"]),
                earned=int(row["points"]),
                key=f"order:{row['id']}",
                lot_note=order_note(number),
                now=now,
            )
        order = await ImportedOrder.filter(id=row["id"]).using_db(conn).get()
    return Returned(order, back.points, back.debt)
