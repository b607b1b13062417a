"""A guide uses a member's coupon in store: exactly once, only where valid, only before expiry.

On PostgreSQL in one statement (the coupon read with its template, the key's earlier use, the
conditional UPDATE that decides, the touch crediting the guide), where the stepwise path, SQLite's,
makes five to seven round trips. Both give the same answers and write the same rows
(tests/loyalty/test_claim_paths.py compares them)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from loyalty import idempotency
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import Coupon, CouponStatus
from loyalty.services.coupons import COUPON_PREFIX
from referral import codes
from referral.models import TouchKind
from referral.services import touches
from referral.sql import Statement


async def write_off(
    *, brand_id: int, code: str, guide_id: int, store_id: int, now: datetime, idempotency_key: str | None = None
) -> Coupon:
    """Raises COUPON_CODE_INVALID (typing slips are caught by the check character), COUPON_NOT_FOUND,
    COUPON_WRONG_STORE, COUPON_EXPIRED, COUPON_CANCELLED, COUPON_ALREADY_WRITTEN_OFF or
    IDEMPOTENCY_KEY_INVALID/REUSED (the guide's key already wrote off another coupon). A retry of a
    write-off that succeeded (same guide, same key) returns the coupon."""
    normal = _checked(code, idempotency_key)
    q = Statement()
    if not q.postgres:
        return await _stepwise(brand_id, normal, guide_id, store_id, now, idempotency_key)
    brand, key, guide, store, at = q.p(brand_id), q.p(idempotency_key), q.p(guide_id), q.p(store_id), q.p(now)
    try:
        rows = await q.rows(
            "WITH c AS (SELECT cp.*, t.store_ids FROM coupon cp JOIN coupon_template t ON t.id = cp.template_id "
            f"WHERE cp.brand_id = {brand} AND cp.code = {q.p(normal)}), "
            "reused AS (SELECT 1 FROM coupon o, c "
            f"WHERE CAST({key} AS TEXT) IS NOT NULL AND o.brand_id = {brand} AND o.write_off_key = {key} "
            f"AND o.written_off_by_id = {guide} AND o.id <> c.id), "
            f"u AS (UPDATE coupon SET status = 'written_off', written_off_at = {at}, written_off_by_id = {guide}, "
            f"written_off_store_id = {store}, write_off_key = {key} FROM c WHERE coupon.id = c.id "
            f"AND coupon.status = 'issued' AND coupon.expires_at > {at} "
            f"AND (c.store_ids = '[]'::jsonb OR c.store_ids @> to_jsonb(CAST({store} AS INT))) "
            "AND NOT EXISTS (SELECT 1 FROM reused) RETURNING coupon.id), "
            # Credited to the guide who did it, in the store where it happened.
            "t AS (INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, campaign_id, "
            f"amount_cents, source) SELECT {brand}, c.member_id, '{TouchKind.COUPON_WRITTEN_OFF.value}', {at}, "
            f"{guide}, {store}, c.campaign_id, 0, 'writeoff:' || c.id FROM c, u ON CONFLICT DO NOTHING) "
            "SELECT c.*, (SELECT COUNT(*) FROM u) AS used, EXISTS (SELECT 1 FROM reused) AS reused FROM c"
        )
    except IntegrityError:
        # uniq_coupon_write_off_key: a racing request of this guide's wrote off another coupon under this key.
        raise idempotency.reused() from None
    if not rows:
        raise _not_found()
    row = rows[0]
    stored = row["store_ids"]
    _check_store(json.loads(stored) if isinstance(stored, str) else stored, store_id)
    if row["reused"]:
        raise idempotency.reused()
    coupon = Coupon._init_from_db(**{k: v for k, v in row.items() if k not in {"store_ids", "used", "reused"}})
    if row["used"]:
        coupon.status = CouponStatus.WRITTEN_OFF
        coupon.written_off_at, coupon.written_off_by_id, coupon.written_off_store_id = now, guide_id, store_id
        coupon.write_off_key = idempotency_key
        return coupon
    if coupon.status is CouponStatus.ISSUED and coupon.expires_at > now:
        coupon = await Coupon.get(id=coupon.id)  # a racing write-off won after this statement's snapshot
    return _used_already(coupon, guide_id, idempotency_key)


async def write_off_stepwise(
    *, brand_id: int, code: str, guide_id: int, store_id: int, now: datetime, idempotency_key: str | None = None
) -> Coupon:
    """write_off() step by step from Python, on any engine: SQLite's path, and on PostgreSQL the
    reference the one-statement path is compared with."""
    return await _stepwise(brand_id, _checked(code, idempotency_key), guide_id, store_id, now, idempotency_key)


async def _stepwise(
    brand_id: int, code: str, guide_id: int, store_id: int, now: datetime, idempotency_key: str | None
) -> Coupon:
    coupon = await Coupon.get_or_none(brand_id=brand_id, code=code).select_related("template")
    if coupon is None:
        raise _not_found()
    _check_store(coupon.template.store_ids, store_id)
    if (
        idempotency_key
        and await Coupon.filter(brand_id=brand_id, write_off_key=idempotency_key, written_off_by_id=guide_id)
        .exclude(id=coupon.id)
        .exists()
    ):
        raise idempotency.reused()
    try:
        async with in_transaction() as conn:
            used = (
                await Coupon.filter(id=coupon.id, status=CouponStatus.ISSUED, expires_at__gt=now)
                .using_db(conn)
                .update(
                    status=CouponStatus.WRITTEN_OFF,
                    written_off_at=now,
                    written_off_by_id=guide_id,
                    written_off_store_id=store_id,
                    write_off_key=idempotency_key,
                )
            )
            if used == 1:
                await touches.record(
                    brand_id=brand_id,
                    member_id=coupon.member_id,
                    kind=TouchKind.COUPON_WRITTEN_OFF,
                    at=now,
                    guide_id=guide_id,
                    store_id=store_id,
                    source=f"writeoff:{coupon.id}",
                    campaign_id=coupon.campaign_id,
                    conn=conn,
                )
                return await Coupon.filter(id=coupon.id).using_db(conn).get()
    except IntegrityError:
        raise idempotency.reused() from None
    return _used_already(await Coupon.get(id=coupon.id), guide_id, idempotency_key)


def _checked(code: str, idempotency_key: str | None) -> str:
    idempotency.check(idempotency_key)
    normal = codes.normalize(code)
    if normal is None or not normal.startswith(COUPON_PREFIX):
        raise LoyaltyError(Code.COUPON_CODE_INVALID, "This coupon code is not valid; please check it.", "code")
    return normal


def _not_found() -> LoyaltyError:
    return LoyaltyError(Code.COUPON_NOT_FOUND, "No such coupon.", "code")


def _check_store(store_ids: Any, store_id: int) -> None:
    if store_ids and store_id not in store_ids:
        raise LoyaltyError(Code.COUPON_WRONG_STORE, "This coupon cannot be used in this store.", "code")


def _used_already(current: Coupon, guide_id: int, idempotency_key: str | None) -> Coupon:
    """A coupon the write-off did not change: a retry of this guide's write-off gets it back;
    anything else is refused with why."""
    if current.status is CouponStatus.WRITTEN_OFF:
        if idempotency_key and current.write_off_key == idempotency_key and current.written_off_by_id == guide_id:
            return current
        raise LoyaltyError(Code.COUPON_ALREADY_WRITTEN_OFF, "This coupon has already been used.", "code")
    if current.status is CouponStatus.CANCELLED:
        raise LoyaltyError(Code.COUPON_CANCELLED, "This coupon was cancelled.", "code")
    raise LoyaltyError(Code.COUPON_EXPIRED, "This coupon has expired.", "code")
