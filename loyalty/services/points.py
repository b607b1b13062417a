"""The points ledger: append-only entries, and a balance kept in step inside the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from loyalty.models import EntryKind, PointsAccount, PointsEntry
from referral.sql import Statement


async def balance(*, member_id: int) -> int:
    account = await PointsAccount.get_or_none(member_id=member_id)
    return account.balance if account else 0


async def earn(
    *, conn: BaseDBAsyncClient, brand_id: int, member_id: int, points: int, now: datetime, valid_days: int,
    claim_id: int | None = None, note: str | None = None,
) -> int:
    """Credit points inside the caller's transaction; returns the new balance."""
    if points <= 0:
        return await balance(member_id=member_id)
    await _ensure_account(conn, brand_id, member_id)
    # An atomic increment: concurrent credits add up instead of overwriting each other.
    await PointsAccount.filter(member_id=member_id).using_db(conn).update(balance=F("balance") + points)
    new_balance = (await PointsAccount.get(member_id=member_id).using_db(conn)).balance
    await PointsEntry.create(
        brand_id=brand_id, member_id=member_id, kind=EntryKind.EARN, points=points, balance_after=new_balance,
        claim_id=claim_id, created_at=now, expires_at=now + timedelta(days=valid_days), note=note, using_db=conn,
    )
    return new_balance


async def _ensure_account(conn: BaseDBAsyncClient, brand_id: int, member_id: int) -> None:
    # INSERT ... ON CONFLICT DO NOTHING: racing first credits make one account, and no error aborts
    # the caller's transaction (an IntegrityError would, on PostgreSQL). Written out because
    # tortoise 1.1.9's bulk_create(ignore_conflicts=True) closed the SQLite connection here.
    q = Statement(conn)
    await q.execute(
        f"INSERT INTO points_account (brand_id, member_id, balance) VALUES ({q.p(brand_id)}, {q.p(member_id)}, 0) "
        "ON CONFLICT (member_id) DO NOTHING"
    )
