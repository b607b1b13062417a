"""Scan claims: the first valid claim of an item code wins, exactly once, decided by the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from loyalty import item_codes
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import Claim, CodeBatch, Rescan
from loyalty.services import points, policy as policies
from referral.models import TouchKind
from referral.services import members, touches
from referral.services.attribution import guide_at


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    batch: CodeBatch
    points_earned: int
    balance: int
    # True when this answers a retry of an earlier request with the same idempotency key.
    replayed: bool = False


async def claim(
    *,
    keyring: item_codes.Keyring,
    brand_id: int,
    member_id: int,
    code: str,
    now: datetime,
    idempotency_key: str | None = None,
    city: str | None = None,
) -> ClaimResult:
    """Claim an item code for a registered member: points credited, purchase attributed, all at once.

    Raises ITEM_CODE_INVALID (forged or mistyped: refused before any database read),
    ITEM_CODE_UNKNOWN, BATCH_REVOKED, ITEM_CODE_ALREADY_CLAIMED (and records the re-scan),
    NOT_REGISTERED or IDEMPOTENCY_KEY_INVALID.
    """
    parsed = item_codes.decode(keyring, code)
    if parsed is None:
        raise LoyaltyError(Code.ITEM_CODE_INVALID, "This code is not genuine; please scan it again.", "code")
    if idempotency_key is not None and not 8 <= len(idempotency_key) <= 64:
        raise LoyaltyError(Code.IDEMPOTENCY_KEY_INVALID, "The idempotency key must be 8-64 characters.", "idempotencyKey")
    if idempotency_key and (replay := await _replay(member_id, idempotency_key)) is not None:
        return replay
    batch = await CodeBatch.get_or_none(id=parsed.batch_id, brand_id=brand_id)
    if batch is None or parsed.serial >= batch.quantity or batch.key_id != parsed.key_id:
        raise LoyaltyError(Code.ITEM_CODE_UNKNOWN, "This code is not one of this brand's products.", "code")
    if batch.revoked_at is not None:
        raise LoyaltyError(Code.BATCH_REVOKED, "This product's codes have been withdrawn.", "code")
    member = await members.get(brand_id=brand_id, member_id=member_id)
    if member.registered_at is None:
        raise LoyaltyError(Code.NOT_REGISTERED, "Please register first, then scan again.")

    policy = await policies.get(brand_id=brand_id)
    bound = await guide_at(brand_id=brand_id, member_id=member_id, at=now)
    guide_id, store_id = bound if bound else (None, None)
    try:
        async with in_transaction() as conn:
            row = await Claim.create(
                brand_id=brand_id, batch_id=batch.id, serial=parsed.serial, member_id=member_id, claimed_at=now,
                guide_id=guide_id, store_id=store_id, city=(city or "").strip()[:64] or None,
                points=batch.points_per_item, idempotency_key=idempotency_key, using_db=conn,
            )
            new_balance = await points.earn(
                conn=conn, brand_id=brand_id, member_id=member_id, points=batch.points_per_item, now=now,
                valid_days=policy.points_valid_days, claim_id=row.id, note=batch.sku,
            )
            await touches.record(
                brand_id=brand_id, member_id=member_id, kind=TouchKind.PURCHASE, at=now, guide_id=guide_id,
                store_id=store_id, amount_cents=batch.price_cents, source=f"claim:{row.id}",
            )
    except IntegrityError:
        # Another claim of this code (or a racing retry of this very request) committed first.
        if idempotency_key and (replay := await _replay(member_id, idempotency_key)) is not None:
            return replay
        winner = await Claim.get_or_none(batch_id=batch.id, serial=parsed.serial)
        await Rescan.create(
            brand_id=brand_id, batch_id=batch.id, serial=parsed.serial, member_id=member_id, scanned_at=now,
            city=(city or "").strip()[:64] or None, by_claimer=winner is not None and winner.member_id == member_id,
        )
        raise LoyaltyError(Code.ITEM_CODE_ALREADY_CLAIMED, "This code has already been used.", "code") from None
    return ClaimResult(claim=row, batch=batch, points_earned=batch.points_per_item, balance=new_balance)


async def _replay(member_id: int, idempotency_key: str) -> ClaimResult | None:
    earlier = await Claim.get_or_none(member_id=member_id, idempotency_key=idempotency_key).select_related("batch")
    if earlier is None:
        return None
    return ClaimResult(
        claim=earlier, batch=earlier.batch, points_earned=earlier.points,
        balance=await points.balance(member_id=member_id), replayed=True,
    )
