"""What a returned purchase (a till receipt, an imported order) earned is taken back, as an item-code
return takes back a claim's: the points from the lot they were paid into first (what the balance
cannot cover becomes debt, repaid from later earnings), what campaigns gave for it (unused coupons
cancelled; a gift already handed over cannot be taken back), and each purchase touch gets its
reversal, so revenue nets out of every report. Called inside the transaction that marked the
purchase returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import Coupon, EntryKind, PointsEntry, StepReward
from loyalty.services import coupons, points
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
    key: str,
    lot_note: str,
    now: datetime,
) -> TakenBack:
    """The purchase `key` ("till:7", "order:9"): its `earned` points (of the lot noted `lot_note`),
    what purchase campaigns gave for it (points back, unused coupons cancelled), and its touches."""
    rewards = await StepReward.filter(brand_id=brand_id, step=key, reversed_at=None).using_db(conn).order_by("id")
    accounts = await points.lock(conn, brand_id=brand_id, member_ids={member_id} | {r.member_id for r in rewards})
    lot = await PointsEntry.filter(member_id=member_id, kind=EntryKind.EARN, note=lot_note).using_db(conn).first()
    takebacks = [(member_id, earned, lot.id if lot else None, f"return: {lot_note}")]
    takebacks += [(r.member_id, r.points, r.points_entry_id, f"return: reward {r.id}") for r in rewards]
    taken = debt = 0
    for receiver, amount, lot_id, note in takebacks:
        if not amount:
            continue
        line = await points.deduct(
            conn,
            accounts[receiver],
            amount,
            now=now,
            kind=EntryKind.REVERSE,
            allow_debt=True,
            prefer_lot_id=lot_id,
            note=note,
        )
        if receiver == member_id:
            taken, debt = taken - line.points, debt + line.debt_change
    for reward in rewards:
        if reward.coupon_id is not None:
            coupon = await Coupon.filter(id=reward.coupon_id).using_db(conn).get()
            await coupons.cancel_within(conn, coupon, now=now)  # a gift already handed over stays given
    await StepReward.filter(id__in=[r.id for r in rewards]).using_db(conn).update(reversed_at=now)
    bought = (
        await Touch.filter(member_id=member_id, kind=TouchKind.PURCHASE, source__startswith=f"{key}:")
        .using_db(conn)
        .order_by("id")
    )
    await touches.record_rows(
        conn,
        brand_id=brand_id,
        kind=TouchKind.PURCHASE_REVERSED,
        rows=[
            touches.Row(
                t.member_id,
                now,
                t.guide_id,
                t.store_id,
                -t.amount_cents,
                t.product,
                f"return:{t.source}",
                t.campaign_id,
                t.product_line,
            )
            for t in bought
        ],
    )
    return TakenBack(taken, debt)
