"""What a returned purchase (a till receipt, an imported order) earned is taken back, as an item-code
return takes back a claim's: the points from the lot they were paid into first (what the balance
cannot cover becomes debt, repaid from later earnings), and each purchase touch gets its reversal,
so revenue nets out of every report. Called inside the transaction that marked the purchase returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import points
from referral.models import Touch, TouchKind
from referral.services import touches


@dataclass(frozen=True)
class TakenBack:
    points: int
    debt: int


def reason_of(reason: str) -> str:
    """Raises REASON_REQUIRED."""
    text = (reason or "").strip()
    if not 1 <= len(text) <= 200 or not text.isprintable():
        raise LoyaltyError(Code.REASON_REQUIRED, "Say why (1-200 printable characters).", "reason")
    return text


async def take_back(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    member_id: int,
    earned: int,
    lot_note: str,
    touch_prefix: str,
    now: datetime,
) -> TakenBack:
    """`earned` points of the lot noted `lot_note`, and the purchase touches whose source starts with
    `touch_prefix` (the member's own: the touch index is by member)."""
    accounts = await points.lock(conn, brand_id=brand_id, member_ids=[member_id])
    taken = debt = 0
    if earned:
        lot = await PointsEntry.filter(member_id=member_id, kind=EntryKind.EARN, note=lot_note).using_db(conn).first()
        line = await points.deduct(
            conn,
            accounts[member_id],
            earned,
            now=now,
            kind=EntryKind.REVERSE,
            allow_debt=True,
            prefer_lot_id=lot.id if lot else None,
            note=f"return: {lot_note}",
        )
        taken, debt = -line.points, line.debt_change
    bought = (
        await Touch.filter(member_id=member_id, kind=TouchKind.PURCHASE, source__startswith=touch_prefix)
        .using_db(conn)
        .order_by("id")
    )
    await touches.record_rows(
        conn,
        brand_id=brand_id,
        kind=TouchKind.PURCHASE_REVERSED,
        rows=[
            touches.Row(t.member_id, now, t.guide_id, t.store_id, -t.amount_cents, t.product, f"return:{t.source}")
            for t in bought
        ],
    )
    return TakenBack(taken, debt)
