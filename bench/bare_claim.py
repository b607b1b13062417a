"""The floor the GraphQL claim is measured against: the same claim as one starlette route over asyncpg,
with nothing else (no GraphQL, no ORM, no campaign rules), made two ways: the service's statements
one round trip each (/claim), and all of it in one statement (/claim-in-one-statement). A third
route (/claim-by-function) calls the service's own claim function, rules and all, with nothing above it;
/me answers `{ me { roles } }` by hand.

It verifies the bearer token, checks that the session's member still exists (an erased member's
token must stop working: the same look-up every signed-in GraphQL request makes) and the code's
MAC, looks the batch up, then in one transaction inserts the claim (the unique (batch, serial)
decides), credits the account, appends the ledger line and the purchase touch; a losing scan is
recorded as a re-scan. Run: uvicorn bench.bare_claim:app (DATABASE_URL, SCRM_SECRET_KEY from the
environment).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from foundation.auth import tokens
from foundation.auth.errors import AuthError
from foundation.settings import Settings
from loyalty import item_codes
from loyalty.models import POINTS_VALID_DAYS
from loyalty.services.coupons import COUPON_PREFIX
from referral import codes

settings = Settings.from_env()
keyring = settings.item_keyring
pool: asyncpg.Pool | None = None


async def _scan(request: Request) -> tuple[tokens.TokenClaims, item_codes.ItemCode] | JSONResponse:
    """The bearer's session and the scanned code, both checked in Python, or the refusal."""
    _, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        principal = tokens.decode(token, secret=str(settings.secret_key))
    except AuthError:
        return JSONResponse({"error": "UNAUTHENTICATED"}, status_code=401)
    body = await request.json()
    parsed = item_codes.decode(keyring, body["code"])
    if parsed is None:
        return JSONResponse({"error": "ITEM_CODE_INVALID"})
    return principal, parsed


async def claim(request: Request) -> JSONResponse:
    scanned = await _scan(request)
    if isinstance(scanned, JSONResponse):
        return scanned
    principal, parsed = scanned
    now = datetime.now(UTC)
    assert pool is not None
    async with pool.acquire() as conn:
        if (
            await conn.fetchval(
                "SELECT m.id FROM member m LEFT JOIN guide g ON g.member_id = m.id AND g.brand_id = m.brand_id "
                "AND g.status = 'active' WHERE m.id = $1 AND m.brand_id = $2 AND m.deleted_at IS NULL",
                principal.principal_id,
                principal.brand_id,
            )
            is None
        ):
            return JSONResponse({"error": "TOKEN_INVALID"}, status_code=401)
        batch = await conn.fetchrow(
            "SELECT id, points_per_item, price_cents, revoked_at FROM code_batch WHERE id = $1 AND brand_id = $2",
            parsed.batch_id,
            principal.brand_id,
        )
        if batch is None or batch["revoked_at"] is not None:
            return JSONResponse({"error": "ITEM_CODE_UNKNOWN"})
        async with conn.transaction():
            claim_id = await conn.fetchval(
                "INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, points, diverted) "
                "VALUES ($1, $2, $3, $4, $5, $6, false) ON CONFLICT DO NOTHING RETURNING id",
                principal.brand_id,
                batch["id"],
                parsed.serial,
                principal.principal_id,
                now,
                batch["points_per_item"],
            )
            if claim_id is None:
                await conn.execute(
                    "INSERT INTO rescan (brand_id, batch_id, serial, member_id, scanned_at, by_claimer, suspicious) "
                    "VALUES ($1, $2, $3, $4, $5, false, true)",
                    principal.brand_id,
                    batch["id"],
                    parsed.serial,
                    principal.principal_id,
                    now,
                )
                return JSONResponse({"error": "ITEM_CODE_ALREADY_CLAIMED"})
            balance = await conn.fetchval(
                "INSERT INTO points_account (brand_id, member_id, balance, debt, purchases) VALUES ($1, $2, $3, 0, 1) "
                "ON CONFLICT (member_id) DO UPDATE SET balance = points_account.balance + EXCLUDED.balance, "
                "purchases = points_account.purchases + 1 RETURNING balance",
                principal.brand_id,
                principal.principal_id,
                batch["points_per_item"],
            )
            await conn.execute(
                "INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining, "
                "claim_id, created_at, expires_at) VALUES ($1, $2, 'earn', $3, $4, 0, $3, $5, $6, $7)",
                principal.brand_id,
                principal.principal_id,
                batch["points_per_item"],
                balance,
                claim_id,
                now,
                now + timedelta(days=365),
            )
            await conn.execute(
                "INSERT INTO touch (brand_id, member_id, kind, occurred_at, amount_cents, source) "
                "VALUES ($1, $2, 'purchase', $3, $4, $5)",
                principal.brand_id,
                principal.principal_id,
                now,
                batch["price_cents"],
                f"claim:{claim_id}",
            )
    return JSONResponse({"claimId": claim_id, "balance": balance})


# The same claim as ONE statement (data-modifying CTEs): the member and batch checks, the claim row
# (the unique (batch, serial) decides; a live batch read under a share lock, as the service does),
# the account, the ledger line and the purchase touch, or the re-scan of a code already claimed.
# What one round trip per claim would give: the reference the GraphQL claim is measured against.
ONE_STATEMENT = """
WITH who AS (
  SELECT m.id FROM member m WHERE m.id = $4 AND m.brand_id = $1 AND m.deleted_at IS NULL
), b AS (
  SELECT id, points_per_item, price_cents FROM code_batch
  WHERE id = $2 AND brand_id = $1 AND revoked_at IS NULL FOR SHARE
), c AS (
  INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, points, diverted)
  SELECT $1, b.id, $3, who.id, $5, b.points_per_item, false FROM b, who
  ON CONFLICT DO NOTHING RETURNING id, points
), a AS (
  INSERT INTO points_account (brand_id, member_id, balance, debt, purchases)
  SELECT $1, $4, c.points, 0, 1 FROM c
  ON CONFLICT (member_id) DO UPDATE SET balance = points_account.balance + EXCLUDED.balance,
    purchases = points_account.purchases + 1
  RETURNING balance
), e AS (
  INSERT INTO points_entry (brand_id, member_id, kind, points, balance_after, debt_change, remaining,
    claim_id, created_at, expires_at)
  SELECT $1, $4, 'earn', c.points, a.balance, 0, c.points, c.id, $5, $6 FROM c, a RETURNING id
), t AS (
  INSERT INTO touch (brand_id, member_id, kind, occurred_at, amount_cents, source)
  SELECT $1, $4, 'purchase', $5, b.price_cents, 'claim:' || c.id FROM c, b RETURNING id
), r AS (
  INSERT INTO rescan (brand_id, batch_id, serial, member_id, scanned_at, by_claimer, suspicious)
  SELECT $1, b.id, $3, $4, $5, false, true FROM b, who WHERE NOT EXISTS (SELECT 1 FROM c) RETURNING id
)
SELECT (SELECT COUNT(*) FROM who) AS member_found, (SELECT COUNT(*) FROM b) AS batch_found,
  (SELECT id FROM c) AS claim_id, (SELECT balance FROM a) AS balance,
  (SELECT COUNT(*) FROM e) + (SELECT COUNT(*) FROM t) AS written
"""


async def claim_by_function(request: Request) -> JSONResponse:
    """The service's own claim, loyalty_claim() with the brand's running rules, called bare: what the
    GraphQL claim costs with every layer above the database taken away. It records the client's
    idempotency key, as the GraphQL claim does."""
    scanned = await _scan(request)
    if isinstance(scanned, JSONResponse):
        return scanned
    principal, parsed = scanned
    key = (await request.json()).get("key")  # starlette keeps the parsed body
    assert pool is not None
    answer = json.loads(
        await pool.fetchval(
            "SELECT loyalty_claim($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)",
            principal.brand_id,
            principal.principal_id,
            parsed.batch_id,
            parsed.serial,
            parsed.key_id,
            datetime.now(UTC),
            key,
            [codes.new(COUPON_PREFIX, 10)],
            POINTS_VALID_DAYS,
        )
    )
    if "error" in answer:
        return JSONResponse({"error": answer["error"]})
    return JSONResponse({"claimId": answer["claim_id"], "balance": answer["balance"]})


async def me(request: Request) -> JSONResponse:
    """`{ me { roles } }` by hand: the bearer's token and the same session read every signed-in
    GraphQL request makes, answered in GraphQL's shape. What the GraphQL layers cost the cheapest
    signed-in request is the gap between the two."""
    _, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        principal = tokens.decode(token, secret=str(settings.secret_key))
    except AuthError:
        return JSONResponse({"error": "UNAUTHENTICATED"}, status_code=401)
    assert pool is not None
    row = await pool.fetchrow(
        "SELECT m.id, g.role FROM member m LEFT JOIN guide g ON g.member_id = m.id AND g.brand_id = m.brand_id "
        "AND g.status = 'active' WHERE m.id = $1 AND m.brand_id = $2 AND m.deleted_at IS NULL",
        principal.principal_id,
        principal.brand_id,
    )
    if row is None:
        return JSONResponse({"error": "TOKEN_INVALID"}, status_code=401)
    roles = ["CONSUMER"] + ([str(row["role"]).upper()] if row["role"] else [])
    return JSONResponse({"data": {"me": {"roles": roles}}})


async def claim_in_one_statement(request: Request) -> JSONResponse:
    scanned = await _scan(request)
    if isinstance(scanned, JSONResponse):
        return scanned
    principal, parsed = scanned
    now = datetime.now(UTC)
    assert pool is not None
    row = await pool.fetchrow(
        ONE_STATEMENT,
        principal.brand_id,
        parsed.batch_id,
        parsed.serial,
        principal.principal_id,
        now,
        now + timedelta(days=365),
    )
    if not row["member_found"]:
        return JSONResponse({"error": "TOKEN_INVALID"}, status_code=401)
    if not row["batch_found"]:
        return JSONResponse({"error": "ITEM_CODE_UNKNOWN"})
    if row["claim_id"] is None:
        return JSONResponse({"error": "ITEM_CODE_ALREADY_CLAIMED"})
    return JSONResponse({"claimId": row["claim_id"], "balance": row["balance"]})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1), min_size=2, max_size=10
    )
    yield
    await pool.close()


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = Starlette(
    routes=[
        Route("/claim", claim, methods=["POST"]),
        Route("/claim-in-one-statement", claim_in_one_statement, methods=["POST"]),
        Route("/claim-by-function", claim_by_function, methods=["POST"]),
        Route("/me", me, methods=["POST"]),
        Route("/health", health),
    ],
    lifespan=lifespan,
)
