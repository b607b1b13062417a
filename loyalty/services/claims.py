"""Scan claims: the first valid claim of an item code wins, exactly once, decided by the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from loyalty import idempotency, item_codes
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import POINTS_VALID_DAYS, Claim, CodeBatch, Rescan
from loyalty.services import batches, campaigns, claim_call, points
from loyalty.services.claim_results import ClaimResult
from referral.models import TouchKind
from referral.services import members, touches
from referral.services.attribution import binding_join
from referral.sql import Statement


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
    """Claim an item code for a registered member: points credited, campaign rules applied, purchase
    attributed, all in one transaction. On PostgreSQL in one call of the database's loyalty_claim()
    (claim_call), elsewhere step by step (claim_stepwise): the two write the same rows.

    Raises ITEM_CODE_INVALID (forged or mistyped: refused before any database read),
    ITEM_CODE_UNKNOWN, BATCH_REVOKED, ITEM_CODE_ALREADY_CLAIMED (and records the re-scan),
    NOT_REGISTERED, IDEMPOTENCY_KEY_INVALID or IDEMPOTENCY_KEY_REUSED (the key answered another code).
    """
    parsed, place = _scanned(keyring, code, idempotency_key, city)
    if not Statement().postgres:
        return await _stepwise(brand_id, member_id, parsed, place, now, idempotency_key)
    answer = await claim_call.claim(
        brand_id=brand_id, member_id=member_id, parsed=parsed, place=place, now=now, idempotency_key=idempotency_key
    )
    if isinstance(answer, ClaimResult):
        return answer
    # A retry of a request that succeeded (its batch since revoked, say) still gets its answer.
    if idempotency_key and (replay := await _replay(member_id, idempotency_key, parsed, place)) is not None:
        return replay
    if answer == "MEMBER_NOT_FOUND":
        await members.get(brand_id=brand_id, member_id=member_id)  # raises MEMBER_NOT_FOUND
    # REPLAY without a replay: the key's claim is not this member's any more (merged away, say).
    raise _refusal(Code.ITEM_CODE_ALREADY_CLAIMED if answer == "REPLAY" else Code[answer])


async def claim_stepwise(
    *,
    keyring: item_codes.Keyring,
    brand_id: int,
    member_id: int,
    code: str,
    now: datetime,
    idempotency_key: str | None = None,
    city: str | None = None,
) -> ClaimResult:
    """claim() made step by step from Python, on any engine: SQLite's path, and on PostgreSQL the
    reference the one-call path is compared with (tests/loyalty/test_claim_paths.py)."""
    parsed, place = _scanned(keyring, code, idempotency_key, city)
    return await _stepwise(brand_id, member_id, parsed, place, now, idempotency_key)


def _scanned(
    keyring: item_codes.Keyring, code: str, idempotency_key: str | None, city: str | None
) -> tuple[item_codes.ItemCode, str | None]:
    """The code and the place as the claim records them; refuses a forged code or a malformed key."""
    parsed = item_codes.decode(keyring, code)
    if parsed is None:
        raise LoyaltyError(Code.ITEM_CODE_INVALID, "This code is not genuine; please scan it again.", "code")
    idempotency.check(idempotency_key)
    return parsed, (city or "").strip()[:64] or None


# The refusals both paths give, by code (the one-call path gets the code from the database).
_REFUSALS = {
    Code.ITEM_CODE_UNKNOWN: ("This code is not one of this brand's products.", "code"),
    Code.BATCH_REVOKED: ("This product's codes have been withdrawn.", "code"),
    Code.NOT_REGISTERED: ("Please register first, then scan again.", None),
    Code.ITEM_CODE_ALREADY_CLAIMED: ("This code has already been used.", "code"),
}


def _refusal(code: Code) -> LoyaltyError:
    message, field = _REFUSALS[code]
    return LoyaltyError(code, message, field)


async def _stepwise(
    brand_id: int,
    member_id: int,
    parsed: item_codes.ItemCode,
    place: str | None,
    now: datetime,
    idempotency_key: str | None,
) -> ClaimResult:
    batch: CodeBatch | None = None
    try:
        # Reads inside the transaction too: one pooled connection for the whole claim.
        async with in_transaction() as conn:
            found = await _claimable(conn, brand_id, member_id, parsed, place, now)
            batch, member, guide_id, store_id = found.batch, found.member, found.guide_id, found.store_id
            receivers, guide_member_id = await campaigns.receivers(found.rules, member=member, guide_id=guide_id)
            # Before any lock, so that the losers of a race stop here.
            row = await _insert_claim(
                conn,
                batch.id,
                dict(
                    brand_id=brand_id,
                    batch_id=batch.id,
                    serial=parsed.serial,
                    member_id=member_id,
                    claimed_at=now,
                    guide_id=guide_id,
                    store_id=store_id,
                    city=place,
                    points=batch.points_per_item,
                    idempotency_key=idempotency_key,
                    diverted=_diverted(batch, place, store_id),
                ),
            )
            accounts = await points.lock(
                conn,
                brand_id=brand_id,
                member_ids=receivers,
                purchase=points.Purchase(member_id=member_id, points=batch.points_per_item),
            )
            mine = accounts[member_id]
            if batch.points_per_item:
                await points.earn(
                    conn,
                    mine,
                    batch.points_per_item,
                    now=now,
                    valid_days=found.valid_days,
                    claim_id=row.id,
                    note=batch.sku,
                    credited=True,
                )
            facts = campaigns.ClaimFacts(
                claim=row, batch=batch, member=member, purchase_number=mine.purchases, guide_member_id=guide_member_id
            )
            rewards = await campaigns.apply(conn, found.rules, facts, accounts, now=now, valid_days=found.valid_days)
            await touches.record(
                brand_id=brand_id,
                member_id=member_id,
                kind=TouchKind.PURCHASE,
                at=now,
                guide_id=guide_id,
                store_id=store_id,
                amount_cents=batch.price_cents,
                source=f"claim:{row.id}",
                product=batch.sku,
                product_line=batch.product_line,
                conn=conn,
                campaign_id=campaigns.credited(rewards),
            )
    except LoyaltyError:
        # A retry of a request that succeeded (its batch since revoked, say) still gets its answer.
        # On the happy path the unique (member, idempotency_key) finds retries: no look-up up front.
        if idempotency_key and (replay := await _replay(member_id, idempotency_key, parsed, place)) is not None:
            return replay
        raise
    except IntegrityError:
        # Another claim of this code (or a racing retry of this very request) committed first.
        if idempotency_key and (replay := await _replay(member_id, idempotency_key, parsed, place)) is not None:
            return replay
        assert batch is not None  # the only unique constraints are on the claim row
        await _record_rescan(batch, parsed.serial, member_id, place, now)
        raise _refusal(Code.ITEM_CODE_ALREADY_CLAIMED) from None
    own = [g for g in rewards if g.reward.member_id == member_id]
    return ClaimResult(
        claim=row,
        batch=batch,
        points_earned=batch.points_per_item + sum(g.reward.points for g in own),
        balance=mine.balance,
        rewards=own,
    )


@dataclass(frozen=True)
class _Claimable:
    batch: CodeBatch
    member: campaigns.Claimant
    valid_days: int
    guide_id: int | None
    store_id: int | None
    rules: list[campaigns.Rule]


async def _claimable(
    conn: BaseDBAsyncClient,
    brand_id: int,
    member_id: int,
    parsed: item_codes.ItemCode,
    place: str | None,
    now: datetime,
) -> _Claimable:
    """The batch, the member, the brand's points validity, the guide bound now and the running
    campaigns this claim may meet (campaigns.candidates), in one statement (every claim runs it: each
    round trip to the database costs a worker more CPU than the rules themselves). Raises
    ITEM_CODE_UNKNOWN, BATCH_REVOKED, MEMBER_NOT_FOUND or NOT_REGISTERED."""
    q = Statement(conn)
    rows = await q.rows(
        f"SELECT {', '.join(f'b.{column}' for column in batches.CLAIM_COLUMNS)}, b.revoked_at, "
        "m.id AS member_id, m.registered_at, m.referrer_id, p.points_valid_days, pa.purchases AS purchases_before, "
        f"gb.guide_id AS bound_guide_id, gb.store_id AS bound_store_id, "
        f"{campaigns.rule_columns('c')} FROM code_batch b "
        f"LEFT JOIN member m ON m.id = {q.p(member_id)} AND m.brand_id = b.brand_id AND m.deleted_at IS NULL "
        "LEFT JOIN loyalty_policy p ON p.brand_id = b.brand_id "
        "LEFT JOIN points_account pa ON pa.member_id = m.id "
        f"{binding_join(q, 'gb', brand_id, member_id, now)} "
        f"{campaigns.running_join(q, 'c', brand_id, now)} "
        f"WHERE b.id = {q.p(parsed.batch_id)} AND b.brand_id = {q.p(brand_id)}"
    )
    row = rows[0] if rows else None
    if row is None or parsed.serial >= row["quantity"] or row["key_id"] != parsed.key_id:
        raise _refusal(Code.ITEM_CODE_UNKNOWN)
    if row["revoked_at"] is not None:
        raise _refusal(Code.BATCH_REVOKED)
    if row["member_id"] is None:
        await members.get(brand_id=brand_id, member_id=member_id)  # raises MEMBER_NOT_FOUND
    if row["registered_at"] is None:
        raise _refusal(Code.NOT_REGISTERED)
    # Creating a batch creates the brand's policy row; the default covers a row deleted by hand.
    valid_days = row["points_valid_days"] or POINTS_VALID_DAYS
    batch = batches.as_claimed(row, batch_id=parsed.batch_id, brand_id=brand_id)
    member = campaigns.Claimant(id=member_id, referrer_id=row["referrer_id"])
    guide_id = row["bound_guide_id"]
    rules = campaigns.candidates(
        campaigns.rules_from(rows, "c"),
        sku=batch.sku,
        city=place,
        member=member,
        guide_id=guide_id,
        purchases_before=row["purchases_before"] or 0,
    )
    return _Claimable(batch, member, valid_days, guide_id, row["bound_store_id"], rules)


async def _insert_claim(conn: BaseDBAsyncClient, batch_id: int, fields: dict[str, Any]) -> Claim:
    """The claim row, written only if its batch is still live, read under a share lock: a revocation
    racing this claim either commits first (nothing is inserted: BATCH_REVOKED) or waits for it.
    Claims do not block each other; SQLite runs one transaction at a time anyway. The unique
    (batch, serial) raises IntegrityError for every claim of a code but the first."""
    q = Statement(conn)
    values = ", ".join(q.p(v) for v in fields.values())
    lock = " FOR SHARE" if q.postgres else ""
    rows = await q.rows(
        f"INSERT INTO claim ({', '.join(fields)}) SELECT {values} FROM code_batch "
        f"WHERE id = {q.p(batch_id)} AND revoked_at IS NULL{lock} RETURNING id"
    )
    if not rows:
        raise _refusal(Code.BATCH_REVOKED)
    return Claim(id=rows[0]["id"], **fields)


def _diverted(batch: CodeBatch, city: str | None, store_id: int | None) -> bool:
    """Goods bound to a region or store, scanned somewhere else (unknown places are not flagged)."""
    wrong_region = batch.region is not None and city is not None and city.casefold() != batch.region.casefold()
    wrong_store = batch.store_id is not None and store_id is not None and store_id != batch.store_id
    return wrong_region or wrong_store


async def _record_rescan(batch: CodeBatch, serial: int, member_id: int, city: str | None, now: datetime) -> None:
    winner = await Claim.get_or_none(batch_id=batch.id, serial=serial)
    by_claimer = winner is not None and winner.member_id == member_id
    elsewhere = (
        winner is not None
        and city is not None
        and winner.city is not None
        and city.casefold() != winner.city.casefold()
    )
    await Rescan.create(
        brand_id=batch.brand_id,
        batch_id=batch.id,
        serial=serial,
        member_id=member_id,
        scanned_at=now,
        city=city,
        by_claimer=by_claimer,
        suspicious=not by_claimer or elsewhere,
    )


async def _replay(
    member_id: int, idempotency_key: str, parsed: item_codes.ItemCode, place: str | None
) -> ClaimResult | None:
    """The first answer to a retried request; raises IDEMPOTENCY_KEY_REUSED if the key claimed another code.
    Only a member who is still there gets one: an erased member's retry is refused like any claim of
    theirs, since a claim is what checks a claimant's session (schema CHECK_OWN_SESSION)."""
    earlier = await Claim.get_or_none(
        member_id=member_id, idempotency_key=idempotency_key, member__deleted_at__isnull=True
    ).select_related("batch")
    if earlier is None:
        return None
    if (earlier.batch_id, earlier.serial, earlier.city) != (parsed.batch_id, parsed.serial, place):
        raise idempotency.reused()
    own = await campaigns.Granted.of_claim(earlier.id, member_id)
    return ClaimResult(
        claim=earlier,
        batch=earlier.batch,
        points_earned=earlier.points + sum(g.reward.points for g in own),
        balance=await points.balance(member_id=member_id),
        rewards=own,
        replayed=True,
    )


async def of_code(*, keyring: item_codes.Keyring, brand_id: int, code: str) -> tuple[CodeBatch, Claim | None]:
    """HQ looks a code up (a returned can, a complaint): its batch and its claim, if any.
    Raises ITEM_CODE_INVALID or ITEM_CODE_UNKNOWN."""
    parsed = item_codes.decode(keyring, code)
    if parsed is None:
        raise LoyaltyError(Code.ITEM_CODE_INVALID, "This code is not genuine.", "code")
    batch = await CodeBatch.get_or_none(id=parsed.batch_id, brand_id=brand_id)
    if batch is None or parsed.serial >= batch.quantity:
        raise LoyaltyError(Code.ITEM_CODE_UNKNOWN, "This code is not one of this brand's products.", "code")
    return batch, await Claim.get_or_none(batch_id=batch.id, serial=parsed.serial)
