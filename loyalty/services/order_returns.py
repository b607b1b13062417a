"""Returns of imported orders: what the order earned is taken back as an item-code return takes back
a claim's (from the lot it paid into first; what the balance cannot cover becomes debt), and each
purchase touch gets its reversal, so revenue and every report net it out. An order returned before
any member matched it is kept returned, and never credited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import EntryKind, ImportedOrder, PointsEntry
from loyalty.services import points
from loyalty.services.order_matching import order_note
from referral.models import Touch, TouchKind
from referral.services import touches
from referral.sql import Statement


@dataclass(frozen=True)
class Returned:
    order: ImportedOrder
    points_taken: int
    debt_recorded: int


async def reverse(*, brand_id: int, order_number: str, reason: str, now: datetime) -> Returned:
    """Raises REASON_REQUIRED, ORDER_NOT_FOUND or ORDER_ALREADY_RETURNED (a second return changes nothing)."""
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 200 or not reason.isprintable():
        raise LoyaltyError(Code.REASON_REQUIRED, "Say why (1-200 printable characters).", "reason")
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
        taken = debt = 0
        if row["matched_at"] is not None:
            member_id = int(row["member_id"])
            accounts = await points.lock(conn, brand_id=brand_id, member_ids=[member_id])
            lot = (
                await PointsEntry.filter(member_id=member_id, kind=EntryKind.EARN, note=order_note(number)[:120])
                .using_db(conn)
                .first()
            )
            if row["points"]:
                line = await points.deduct(
                    conn,
                    accounts[member_id],
                    int(row["points"]),
                    now=now,
                    kind=EntryKind.REVERSE,
                    allow_debt=True,
                    prefer_lot_id=lot.id if lot else None,
                    note=f"return: {order_note(number)}",
                )
                taken, debt = -line.points, line.debt_change
            bought = await Touch.filter(
                member_id=member_id, kind=TouchKind.PURCHASE, source__startswith=f"order:{row['id']}:"
            ).using_db(conn)
            await touches.record_rows(
                conn,
                brand_id=brand_id,
                kind=TouchKind.PURCHASE_REVERSED,
                rows=[_reversal(t, now) for t in bought],
            )
        order = await ImportedOrder.filter(id=row["id"]).using_db(conn).get()
    return Returned(order, taken, debt)


def _reversal(bought: Touch, now: datetime) -> touches.Row:
    amount, source = -bought.amount_cents, f"return:{bought.source}"
    return touches.Row(bought.member_id, now, bought.guide_id, bought.store_id, amount, bought.product, source)
