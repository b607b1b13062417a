"""The points ledger: append-only entries, and a balance kept in step inside the same transaction.

Every change locks the member's account row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs
one transaction at a time), then writes the account and its ledger lines. So the balance always
equals the sum of the lines, and the sum of what is left of the earning lots.

Earnings are lots that expire; spending, returns and expiry take from lots, the soonest to expire
first. Points taken back that the balance cannot cover become a debt, repaid from later earnings,
never a negative balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from foundation.rows import column
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import EntryKind, PointsAccount, PointsEntry
from referral.sql import Statement, insert_many


@dataclass
class Account:
    """A locked points account as this transaction sees it; save() writes it back."""

    id: int
    brand_id: int
    member_id: int
    balance: int
    debt: int
    purchases: int


@dataclass(frozen=True)
class Line:
    """A ledger line just written."""

    id: int
    kind: EntryKind
    points: int
    debt_change: int
    remaining: int


async def account(*, member_id: int) -> PointsAccount | None:
    return await PointsAccount.get_or_none(member_id=member_id)


async def balance(*, member_id: int) -> int:
    row = await account(member_id=member_id)
    return row.balance if row else 0


async def expiring(*, member_id: int, now: datetime, within_days: int) -> int:
    """Points that will expire in the next `within_days` days unless spent."""
    lots = PointsEntry.filter(
        member_id=member_id, remaining__gt=0, expires_at__gt=now, expires_at__lte=now + timedelta(days=within_days)
    )
    return sum(await column(lots, "remaining"))


def ledger(*, brand_id: int, member_id: int) -> QuerySet[PointsEntry]:
    return PointsEntry.filter(brand_id=brand_id, member_id=member_id)


@dataclass(frozen=True)
class Purchase:
    """A member's purchase, applied to their account by the statement that locks it: one more
    purchase and the item's points (their ledger line is written by earn(..., credited=True))."""

    member_id: int
    points: int


async def lock(
    conn: BaseDBAsyncClient, *, brand_id: int, member_ids: Iterable[int], purchase: Purchase | None = None
) -> dict[int, Account]:
    """Create (if need be) and lock the accounts in one statement, in member id order so that two
    transactions touching the same accounts never wait for each other in a cycle. An upsert that
    touches the row takes its lock, where ON CONFLICT DO NOTHING would neither lock nor return it."""
    credit = {purchase.member_id: purchase.points} if purchase else {}
    ids = sorted(set(member_ids) | credit.keys())
    if not ids:
        return {}
    q = Statement(conn)
    rows = [f"({q.p(brand_id)}, {q.p(m)}, {q.p(credit.get(m, 0))}, 0, {q.p(int(m in credit))})" for m in ids]
    locked = await q.rows(
        f"INSERT INTO points_account (brand_id, member_id, balance, debt, purchases) VALUES {', '.join(rows)} "
        "ON CONFLICT (member_id) DO UPDATE SET balance = points_account.balance + excluded.balance, "
        "purchases = points_account.purchases + excluded.purchases "
        "RETURNING id, brand_id, member_id, balance, debt, purchases"
    )
    return {row["member_id"]: Account(**row) for row in locked}


async def earn(
    conn: BaseDBAsyncClient,
    acct: Account,
    points: int,
    *,
    now: datetime,
    valid_days: int,
    kind: EntryKind = EntryKind.EARN,
    claim_id: int | None = None,
    coupon_id: int | None = None,
    note: str | None = None,
    credited: bool = False,
    campaign_id: int | None = None,
) -> Line:
    """Credit a locked account with a new lot; any debt is repaid from it first, on a line of its own.
    With credited=True the account row already holds the points (lock() applied the purchase), so
    only the ledger is written, and the row again only to repay a debt."""
    if not credited:
        acct.balance += points
    lot = await _line(
        conn,
        acct,
        kind,
        points,
        now=now,
        remaining=points,
        expires_at=now + timedelta(days=valid_days),
        claim_id=claim_id,
        coupon_id=coupon_id,
        note=note,
        campaign_id=campaign_id,
    )
    repaid = min(points, acct.debt)
    if repaid:
        acct.balance -= repaid
        acct.debt -= repaid
        lot = replace(lot, remaining=lot.remaining - repaid)
        await _set_remaining(conn, lot.id, lot.remaining)
        await _line(
            conn, acct, EntryKind.ADJUST, -repaid, now=now, debt_change=-repaid, claim_id=claim_id, note="debt repaid"
        )
    if repaid or not credited:
        await save(conn, acct)
    return lot


@dataclass(frozen=True)
class Credit:
    """One purchase to credit in a batch (an imported order): its items and the points they earn."""

    member_id: int
    points: int
    purchases: int
    note: str


async def credit_many(
    conn: BaseDBAsyncClient, *, brand_id: int, credits: list[Credit], now: datetime, valid_days: int
) -> list[int]:
    """Credit many purchases at once, as earn() credits one, in three statements whatever their number:
    the accounts locked, every lot (and any debt it repays, on a line of its own) written, the
    accounts written back. An import of 100,000 orders cannot afford earn()'s round trips per order.
    Returns each credit's member's purchases before it ("first purchase" campaigns read it)."""
    accounts = await lock(conn, brand_id=brand_id, member_ids={c.member_id for c in credits})
    lines: list[list[object]] = []
    before: list[int] = []
    expires_at = now + timedelta(days=valid_days)
    earn, adjust = EntryKind.EARN.value, EntryKind.ADJUST.value
    for credit in credits:
        acct = accounts[credit.member_id]
        before.append(acct.purchases)
        acct.purchases += credit.purchases
        if credit.points <= 0:
            continue
        acct.balance += credit.points
        repaid = min(credit.points, acct.debt)
        note = credit.note[:120]
        earned = [earn, credit.points, acct.balance, 0, credit.points - repaid, now, expires_at, note]
        lines.append([brand_id, acct.member_id, *earned])
        if repaid:
            acct.balance -= repaid
            acct.debt -= repaid
            adjusted = [adjust, -repaid, acct.balance, -repaid, 0, now, None, "debt repaid"]
            lines.append([brand_id, acct.member_id, *adjusted])
    await insert_many(
        conn,
        "points_entry",
        {
            "brand_id": "int",
            "member_id": "int",
            "kind": "text",
            "points": "bigint",
            "balance_after": "bigint",
            "debt_change": "bigint",
            "remaining": "bigint",
            "created_at": "timestamptz",
            "expires_at": "timestamptz",
            "note": "text",
        },
        lines,
    )
    await insert_many(
        conn,
        "points_account",
        {"brand_id": "int", "member_id": "int", "balance": "bigint", "debt": "bigint", "purchases": "int"},
        [[a.brand_id, a.member_id, a.balance, a.debt, a.purchases] for a in accounts.values()],
        " ON CONFLICT (member_id) DO UPDATE SET balance = excluded.balance, debt = excluded.debt, "
        "purchases = excluded.purchases",
    )
    return before


async def deduct(
    conn: BaseDBAsyncClient,
    acct: Account,
    points: int,
    *,
    now: datetime,
    kind: EntryKind,
    allow_debt: bool,
    prefer_lot_id: int | None = None,
    claim_id: int | None = None,
    coupon_id: int | None = None,
    note: str | None = None,
) -> Line:
    """Take points from a locked account. Without allow_debt, raises INSUFFICIENT_POINTS if the balance
    is short; with it, what the balance cannot cover is recorded as debt on the same line."""
    await expire_due(conn, acct, now=now)
    taken = min(points, acct.balance)
    if taken < points and not allow_debt:
        raise LoyaltyError(Code.INSUFFICIENT_POINTS, f"You need {points} points and have {acct.balance}.")
    await _take_from_lots(conn, acct.member_id, taken, now=now, prefer_lot_id=prefer_lot_id)
    acct.balance -= taken
    acct.debt += points - taken
    line = await _line(
        conn, acct, kind, -taken, now=now, debt_change=points - taken, claim_id=claim_id, coupon_id=coupon_id, note=note
    )
    await save(conn, acct)
    return line


async def expire_due(conn: BaseDBAsyncClient, acct: Account, *, now: datetime) -> int:
    """Expire what is left of a locked account's lots past their date; returns the points expired."""
    due = (
        await PointsEntry.filter(member_id=acct.member_id, remaining__gt=0, expires_at__lte=now)
        .using_db(conn)
        .order_by("id")
    )
    for lot in due:
        await PointsEntry.filter(id=lot.id).using_db(conn).update(remaining=0)
        acct.balance -= lot.remaining
        await _line(conn, acct, EntryKind.EXPIRE, -lot.remaining, now=now, note=f"lot {lot.id}")
    if due:
        await save(conn, acct)
    return sum(lot.remaining for lot in due)


async def expire_all(*, now: datetime, brand_id: int | None = None) -> int:
    """The nightly run: expire every lot past its date, one member per transaction; returns points expired."""
    members = PointsEntry.filter(remaining__gt=0, expires_at__lte=now)
    if brand_id is not None:
        members = members.filter(brand_id=brand_id)
    expired = 0
    for brand, member_id in await members.distinct().values_list("brand_id", "member_id"):
        async with in_transaction() as conn:
            accounts = await lock(conn, brand_id=brand, member_ids=[member_id])
            expired += await expire_due(conn, accounts[member_id], now=now)
    return expired


async def _take_from_lots(
    conn: BaseDBAsyncClient, member_id: int, points: int, *, now: datetime, prefer_lot_id: int | None
) -> None:
    if points <= 0:
        return
    lots = (
        await PointsEntry.filter(member_id=member_id, remaining__gt=0, expires_at__gt=now)
        .using_db(conn)
        .order_by("expires_at", "id")
    )
    lots.sort(key=lambda lot: lot.id != prefer_lot_id)  # stable: the preferred lot first, then soonest to expire
    for lot in lots:
        take = min(points, lot.remaining)
        await PointsEntry.filter(id=lot.id).using_db(conn).update(remaining=lot.remaining - take)
        points -= take
        if points == 0:
            return
    # The balance said the points were there; lots disagreeing means the ledger is corrupt. Roll back.
    raise RuntimeError(f"points lots of member {member_id} are short by {points}")


async def _set_remaining(conn: BaseDBAsyncClient, lot_id: int, remaining: int) -> None:
    q = Statement(conn)
    await q.execute(f"UPDATE points_entry SET remaining = {q.p(remaining)} WHERE id = {q.p(lot_id)}")


async def _line(
    conn: BaseDBAsyncClient,
    acct: Account,
    kind: EntryKind,
    points: int,
    *,
    now: datetime,
    remaining: int = 0,
    debt_change: int = 0,
    expires_at: datetime | None = None,
    claim_id: int | None = None,
    coupon_id: int | None = None,
    note: str | None = None,
    campaign_id: int | None = None,
) -> Line:
    # Raw SQL: every claim writes one or more lines, and the ORM's INSERT costs several times more CPU.
    fields = dict(
        brand_id=acct.brand_id,
        member_id=acct.member_id,
        kind=kind.value,
        points=points,
        balance_after=acct.balance,
        debt_change=debt_change,
        remaining=remaining,
        claim_id=claim_id,
        coupon_id=coupon_id,
        created_at=now,
        expires_at=expires_at,
        note=(note or "")[:120] or None,
        campaign_id=campaign_id,
    )
    q = Statement(conn)
    values = ", ".join(q.p(v) for v in fields.values())
    rows = await q.rows(f"INSERT INTO points_entry ({', '.join(fields)}) VALUES ({values}) RETURNING id")
    return Line(id=rows[0]["id"], kind=kind, points=points, debt_change=debt_change, remaining=remaining)


async def save(conn: BaseDBAsyncClient, acct: Account) -> None:
    q = Statement(conn)
    await q.execute(
        f"UPDATE points_account SET balance = {q.p(acct.balance)}, debt = {q.p(acct.debt)}, "
        f"purchases = {q.p(acct.purchases)} WHERE id = {q.p(acct.id)}"
    )
