"""Purchases at a store's till, recorded by a guide for a member (found by the member's code, or by
the last four digits of their phone among the store's members): points by the brand's rule for item
codes (each product's points per item, from its latest batch), and one purchase touch per item,
credited to the guide the member is bound to at that moment, so profiles, segments and every report
count a till purchase exactly like a scanned can. A receipt number is recorded once per store.

Running purchase campaigns reward it (purchase_rewards), and it is credited to the oldest that did; a
return takes back what the purchase earned (purchase_returns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import StorePurchase
from loyalty.services import points, policy as policies, products, purchase_returns, purchase_rewards
from referral.models import Guide, Member, TouchKind
from referral.services import touches
from referral.services.attribution import guide_at

MAX_LINES = 20
MAX_QUANTITY = 20
MAX_PRICE_CENTS = 10_000_000


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    price_cents: int  # each


@dataclass(frozen=True)
class Recorded:
    purchase: StorePurchase
    replayed: bool  # the same receipt was recorded before (a retry): nothing changed now


def _check(receipt_number: str, lines: list[Line]) -> str:
    receipt = receipt_number.strip()
    if not 1 <= len(receipt) <= 64 or not receipt.isprintable():
        raise LoyaltyError(Code.PURCHASE_INVALID, "A receipt number of 1-64 printable characters.", "receipt_number")
    if not 1 <= len(lines) <= MAX_LINES:
        raise LoyaltyError(Code.PURCHASE_INVALID, f"1-{MAX_LINES} lines.", "items")
    for line in lines:
        if not (1 <= line.quantity <= MAX_QUANTITY and 0 <= line.price_cents <= MAX_PRICE_CENTS):
            raise LoyaltyError(
                Code.PURCHASE_INVALID,
                f"Quantities 1-{MAX_QUANTITY}, prices 0-{MAX_PRICE_CENTS:,} minor units.",
                "items",
            )
        if not 1 <= len(line.sku) <= 64 or not line.sku.isprintable():
            raise LoyaltyError(Code.PURCHASE_INVALID, "A SKU of 1-64 printable characters.", "items")
    return receipt


async def _member(brand_id: int, store_id: int, member_code: str | None, phone_last4: str | None) -> Member:
    if member_code:
        found = await Member.get_or_none(
            brand_id=brand_id, invite_code=member_code.strip()[:32], deleted_at=None, registered_at__isnull=False
        )
        if found is None:
            raise LoyaltyError(Code.MEMBER_NOT_FOUND, "No member has this code.", "member_code")
        return found
    if not (phone_last4 and len(phone_last4) == 4 and phone_last4.isascii() and phone_last4.isdigit()):
        raise LoyaltyError(
            Code.PURCHASE_INVALID, "The member's code, or the last four digits of their phone.", "phone_last4"
        )
    # Among the store's members only: four digits name many people across a brand.
    candidates = await Member.filter(
        brand_id=brand_id,
        origin_store_id=store_id,
        phone__endswith=phone_last4,
        deleted_at=None,
        registered_at__isnull=False,
    ).limit(2)
    if not candidates:
        raise LoyaltyError(Code.MEMBER_NOT_FOUND, "No member of this store has these phone digits.", "phone_last4")
    if len(candidates) > 1:
        raise LoyaltyError(Code.MEMBER_AMBIGUOUS, "Several members match: scan the member's code.", "phone_last4")
    return candidates[0]


async def record(
    *,
    brand_id: int,
    guide_id: int,
    receipt_number: str,
    lines: list[Line],
    now: datetime,
    member_code: str | None = None,
    phone_last4: str | None = None,
) -> Recorded:
    """Record a till purchase in one transaction; raises PURCHASE_INVALID, SKU_UNKNOWN,
    MEMBER_NOT_FOUND, MEMBER_AMBIGUOUS or RECEIPT_TAKEN (nothing written then). The same receipt again
    (same member, same total) answers the first recording: a retry never credits twice."""
    receipt = _check(receipt_number, lines)
    guide = await Guide.get(id=guide_id, brand_id=brand_id)
    member = await _member(brand_id, guide.store_id, member_code, phone_last4)
    skus = {line.sku for line in lines}
    each = await products.catalogue(brand_id=brand_id, skus=list(skus))
    if unknown := sorted(skus - each.keys()):
        raise LoyaltyError(Code.SKU_UNKNOWN, f"Unknown SKU: {unknown[0][:64]}.", "items")
    total = sum(line.quantity * line.price_cents for line in lines)
    earned = sum(line.quantity * each[line.sku].points for line in lines)
    valid_days = (await policies.get(brand_id=brand_id)).points_valid_days
    # Credited to the guide the member is bound to now (who rang it up may be a colleague).
    credited_guide, credited_store = await guide_at(brand_id=brand_id, member_id=member.id, at=now) or (None, None)
    try:
        async with in_transaction() as conn:
            row = await StorePurchase.create(
                brand_id=brand_id,
                store_id=guide.store_id,
                recorded_by_id=guide.id,
                member_id=member.id,
                receipt_number=receipt,
                items=[{"sku": line.sku, "quantity": line.quantity, "price_cents": line.price_cents} for line in lines],
                total_cents=total,
                points=earned,
                purchased_at=now,
                using_db=conn,
            )
            accounts = await points.lock(
                conn, brand_id=brand_id, member_ids=[member.id], purchase=points.Purchase(member.id, earned)
            )
            # lock() counted one purchase; a receipt of several items is several, as several cans scanned are.
            accounts[member.id].purchases += sum(line.quantity for line in lines) - 1
            await points.save(conn, accounts[member.id])
            if earned:
                await points.earn(
                    conn,
                    accounts[member.id],
                    earned,
                    now=now,
                    valid_days=valid_days,
                    note=receipt_note(receipt),
                    credited=True,
                )
            units = sum(line.quantity for line in lines)
            bought = purchase_rewards.Bought(
                f"till:{row.id}", member.id, frozenset(skus), accounts[member.id].purchases - units, credited_guide
            )
            rules = await purchase_rewards.running(conn, brand_id=brand_id, now=now)
            granted = await purchase_rewards.reward(
                conn, brand_id=brand_id, rules=rules, bought=bought, now=now, valid_days=valid_days
            )
            campaign_id = purchase_rewards.credited(granted)
            # One purchase per item, as a scanned can is, in one statement.
            await touches.record_rows(
                conn,
                brand_id=brand_id,
                kind=TouchKind.PURCHASE,
                rows=[
                    touches.Row(
                        member.id,
                        now,
                        credited_guide,
                        credited_store,
                        line.price_cents,
                        line.sku,
                        f"till:{row.id}:{n}:{unit}",
                        campaign_id,
                        each[line.sku].line,
                    )
                    for n, line in enumerate(lines)
                    for unit in range(line.quantity)
                ],
            )
    except IntegrityError:
        earlier = await StorePurchase.get_or_none(store_id=guide.store_id, receipt_number=receipt)
        if earlier is None or (earlier.member_id, earlier.total_cents) != (member.id, total):
            raise LoyaltyError(
                Code.RECEIPT_TAKEN, "This receipt was recorded for another purchase.", "receipt_number"
            ) from None
        return Recorded(earlier, replayed=True)
    return Recorded(row, replayed=False)


def receipt_note(receipt: str) -> str:
    """The ledger note of a receipt's points: its return finds the lot it paid into by it."""
    return f"receipt {receipt}"[:64]


@dataclass(frozen=True)
class Returned:
    purchase: StorePurchase
    points_taken: int
    debt_recorded: int


async def reverse(*, brand_id: int, store_id: int, receipt_number: str, reason: str, now: datetime) -> Returned:
    """The goods of a till receipt came back. Raises REASON_REQUIRED, RECEIPT_NOT_FOUND or
    PURCHASE_ALREADY_RETURNED (a second return changes nothing)."""
    reason = purchase_returns.reason_of(reason)
    receipt = (receipt_number or "").strip()
    async with in_transaction() as conn:
        row = await StorePurchase.get_or_none(brand_id=brand_id, store_id=store_id, receipt_number=receipt[:64])
        if row is None:
            raise LoyaltyError(
                Code.RECEIPT_NOT_FOUND, "This store has no purchase with this receipt.", "receipt_number"
            )
        # The conditional update decides between two returns racing.
        if (
            not await StorePurchase.filter(id=row.id, returned_at__isnull=True)
            .using_db(conn)
            .update(returned_at=now, return_reason=reason)
        ):
            raise LoyaltyError(Code.PURCHASE_ALREADY_RETURNED, "This purchase was already returned.", "receipt_number")
        back = await purchase_returns.take_back(
            conn,
            brand_id=brand_id,
            member_id=row.member_id,
            earned=row.points,
            key=f"till:{row.id}",
            lot_note=receipt_note(row.receipt_number),
            now=now,
        )
        row = await StorePurchase.filter(id=row.id).using_db(conn).get()
    return Returned(row, back.points, back.debt)
