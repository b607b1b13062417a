"""Orders imported from tills and web shops: checked, kept once per order number, matched to members
and credited like a till purchase (order_matching), in chunks of set-based statements so that
100,000 orders take seconds, not the minutes one round trip per order would.

An order that fails a check is reported (by the caller's reference: a file's line, a list's index)
with its reason, and the others are imported; with all_or_nothing, none is. An order number already
imported changes nothing (a duplicate). Each chunk is one transaction: an import cut short keeps the
chunks before, and running it again imports the rest (the numbers already in are duplicates)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from foundation.codes import Code as AnyCode
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import ImportedOrder, OrderImport
from loyalty.services import order_matching, policy as policies, products
from referral import codes
from referral.errors import ReferralError
from referral.models import Store
from referral.services.profile_fields import e164
from referral.sql import insert_many

MAX_BATCH = 500
MAX_LINES = 100
MAX_QUANTITY = 999
MAX_PRICE_CENTS = 100_000_000
CHUNK = 5_000
WRITERS = 3
# A till's clock may run a little fast; an order further in the future is a mistake.
CLOCK_SKEW = timedelta(hours=1)
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    price_cents: int  # each


@dataclass(frozen=True)
class OrderIn:
    """An order as given; `ref` is where it came from, to report a refusal by (a line, an index)."""

    ref: int
    order_number: str
    ordered_at: datetime
    lines: list[OrderLine]
    store_code: str | None = None
    channel: str | None = None
    member_code: str | None = None
    phone: str | None = None
    unionid: str | None = None


@dataclass(frozen=True)
class Rejection:
    ref: int
    code: AnyCode
    message: str


@dataclass
class Summary:
    read: int = 0  # orders checked (rows refused before they made an order are only in `rejected`)
    imported: int = 0
    duplicates: int = 0
    # Of the orders imported now, those matched to a member (and credited) at once.
    matched: int = 0
    # Orders of earlier imports whose member appeared since, matched and credited by this run.
    matched_earlier: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    import_id: int | None = None

    @property
    def unmatched(self) -> int:
        return self.imported - self.matched


@dataclass(frozen=True)
class _Ready:
    number: str
    ordered_at: datetime
    store_id: int | None
    channel: str | None
    keys: order_matching.Keys
    items: list[dict[str, Any]]
    total_cents: int


def check_batch(count: int) -> None:
    """A batch call carries 1-500 orders (a file, any number)."""
    if not 1 <= count <= MAX_BATCH:
        raise LoyaltyError(Code.ORDER_INVALID, f"Send 1-{MAX_BATCH} orders per call.", "orders")


def listing(*, brand_id: int, matched: bool | None = None) -> QuerySet[ImportedOrder]:
    """The brand's imported orders; matched=False: those waiting for their member."""
    rows = ImportedOrder.filter(brand_id=brand_id)
    return rows if matched is None else rows.filter(matched_at__isnull=not matched)


async def run(
    *,
    brand_id: int,
    orders: Iterable[OrderIn],
    now: datetime,
    source: str,
    started_by: str,
    all_or_nothing: bool = False,
    early: Iterable[Rejection] = (),
    progress: Callable[[int], object] | None = None,
) -> Summary:
    """Import `orders`; `early` are refusals found before (a file's unreadable rows), counted and
    reported with the rest. Nothing is written when all_or_nothing and anything was refused."""
    catalogue = await products.catalogue(brand_id=brand_id)
    stores: dict[str, int] = {
        str(code): int(id_) for code, id_ in await Store.filter(brand_id=brand_id).values_list("code", "id")
    }
    summary = Summary(rejected=list(early))
    seen: set[str] = set()

    def checked(orders: Iterable[OrderIn]) -> Iterator[list[_Ready]]:
        """Chunks of the orders that pass, checked as they are taken: a writer checks the next chunk
        while the other's statements run in the database."""
        chunk: list[_Ready] = []
        for order in orders:
            summary.read += 1
            try:
                chunk.append(_check(order, catalogue, stores, seen, now))
            except (LoyaltyError, ReferralError) as exc:
                summary.rejected.append(Rejection(order.ref, exc.code, exc.message))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    chunks = checked(orders)
    if all_or_nothing:
        chunks = iter(list(chunks))  # every order checked before anything is written
        if summary.rejected:
            summary.rejected.sort(key=lambda r: r.ref)
            return summary
    record = await OrderImport.create(
        brand_id=brand_id, source=source[:200], started_by=started_by[:64], started_at=now
    )
    summary.import_id = record.id
    valid_days = (await policies.get(brand_id=brand_id)).points_valid_days

    async def writer() -> None:
        for chunk in chunks:  # shared: each chunk is taken by one writer
            imported, matched = await _write(brand_id, record.id, chunk, catalogue, now, valid_days)
            summary.imported += imported
            summary.duplicates += len(chunk) - imported
            summary.matched += matched
            if progress:
                progress(len(chunk))

    # On PostgreSQL three writers, each with its connection: their statements run in the database
    # while another checks and prepares its chunk (100,000 orders: 2 writers 29-33 s, 3 writers
    # 24-30 s, 4 no faster on two cores). SQLite has one.
    postgres = connections.get("default").capabilities.dialect == "postgres"
    async with asyncio.TaskGroup() as writers:
        for _ in range(WRITERS if postgres else 1):
            writers.create_task(writer())
    summary.rejected.sort(key=lambda r: r.ref)
    # Members who registered since earlier imports: their waiting orders are matched now.
    summary.matched_earlier = await order_matching.match_waiting(brand_id=brand_id, now=now, before_import=record.id)
    await OrderImport.filter(id=record.id).update(
        finished_at=now,
        orders_read=summary.read,
        imported=summary.imported,
        duplicates=summary.duplicates,
        matched=summary.matched,
        rejected=len(summary.rejected),
    )
    return summary


async def _write(
    brand_id: int,
    import_id: int,
    chunk: list[_Ready],
    catalogue: dict[str, products.Product],
    now: datetime,
    valid_days: int,
) -> tuple[int, int]:
    """One chunk in one transaction: its members found first, so an order is inserted matched (or
    waiting) once; returns (orders new to the brand, of them matched and credited)."""
    async with in_transaction() as conn:
        found = await order_matching.members(conn, brand_id=brand_id, keyed=[(r.number, r.keys) for r in chunk])
        # The numbers imported before (duplicates) stay as they were, and are not returned.
        new = await _insert(conn, brand_id, import_id, chunk, found, catalogue, now)
        items = {r.number: r.items for r in chunk}
        matched = [
            order_matching.Order(row["id"], row["order_number"], items[row["order_number"]])
            for row in new
            if row["member_id"] is not None
        ]
        await order_matching.credit(
            conn, brand_id=brand_id, orders=matched, catalogue=catalogue, now=now, valid_days=valid_days
        )
    return len(new), len(matched)


def _check(
    order: OrderIn, catalogue: dict[str, products.Product], stores: dict[str, int], seen: set[str], now: datetime
) -> _Ready:
    number = _text(order.order_number, 64, "order number")
    if number is None:
        raise LoyaltyError(Code.ORDER_INVALID, "An order number is required.", "order_number")
    if number in seen:
        raise LoyaltyError(Code.ORDER_INVALID, "This order number appears twice in this import.", "order_number")
    if order.ordered_at.tzinfo is None:
        raise LoyaltyError(Code.ORDER_INVALID, "The order time needs its UTC offset (+08:00).", "ordered_at")
    if order.ordered_at > now + CLOCK_SKEW:
        raise LoyaltyError(Code.ORDER_INVALID, "The order time is in the future.", "ordered_at")
    if not 1 <= len(order.lines) <= MAX_LINES:
        raise LoyaltyError(Code.ORDER_INVALID, f"An order has 1-{MAX_LINES} lines.", "items")
    for line in order.lines:
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise LoyaltyError(Code.ORDER_INVALID, f"A quantity is 1-{MAX_QUANTITY}.", "quantity")
        if not 0 <= line.price_cents <= MAX_PRICE_CENTS:
            raise LoyaltyError(Code.ORDER_INVALID, f"A price is 0-{MAX_PRICE_CENTS:,} minor units.", "price")
        if line.sku not in catalogue:
            # A SKU is printable text of 64 at most, or it cannot be in the catalogue: safe to name.
            raise LoyaltyError(Code.SKU_UNKNOWN, f"Unknown SKU: {line.sku}.", "sku")
    store_code = _text(order.store_code, 32, "store code")
    if store_code is not None and store_code not in stores:
        raise LoyaltyError(Code.STORE_UNKNOWN, "No store of the brand has this code.", "store_code")
    phone = _phone(order.phone)
    code = _text(order.member_code, 32, "member code")
    unionid = _text(order.unionid, 128, "unionid", ascii_only=True)
    channel = _text(order.channel, 32, "channel")
    seen.add(number)
    return _Ready(
        number=number,
        ordered_at=order.ordered_at,
        store_id=stores[store_code] if store_code else None,
        channel=channel,
        keys=order_matching.Keys(codes.spelled(code) or code if code else None, phone, unionid),
        items=[{"sku": i.sku, "quantity": i.quantity, "price_cents": i.price_cents} for i in order.lines],
        total_cents=sum(line.quantity * line.price_cents for line in order.lines),
    )


def _phone(raw: str | None) -> str | None:
    """The phone in E.164. One already written so is kept as it is: it is only compared with numbers
    members verified (in E.164), so one that is well formed but not a real number simply matches no
    one, and libphonenumber's full parse (a second per 30,000 phones) is kept for the others."""
    text = (raw or "").strip()
    if not text:
        return None
    return text if _E164.fullmatch(text) else e164(text)


def _text(value: str | None, longest: int, what: str, *, ascii_only: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > longest or not text.isprintable() or (ascii_only and not text.isascii()):
        raise LoyaltyError(Code.ORDER_INVALID, f"The {what} is at most {longest} printable characters.", what)
    return text


async def _insert(
    conn: BaseDBAsyncClient,
    brand_id: int,
    import_id: int,
    chunk: list[_Ready],
    found: dict[str, int],
    catalogue: dict[str, products.Product],
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for r in chunk:
        member_id = found.get(r.number)
        matched = (member_id, now, order_matching.earned(r.items, catalogue)) if member_id else (None, None, 0)
        rows.append(
            [
                brand_id,
                import_id,
                r.number,
                r.store_id,
                r.channel,
                r.ordered_at,
                json.dumps(r.items, ensure_ascii=False),
            ]
            + [r.total_cents, r.keys.member_code, r.keys.phone, r.keys.unionid, *matched]
        )
    return await insert_many(
        conn,
        "imported_order",
        {
            "brand_id": "int",
            "order_import_id": "bigint",
            "order_number": "text",
            "store_id": "int",
            "channel": "text",
            "ordered_at": "timestamptz",
            "items": "jsonb",
            "total_cents": "bigint",
            "member_code": "text",
            "phone": "text",
            "unionid": "text",
            "member_id": "int",
            "matched_at": "timestamptz",
            "points": "int",
        },
        rows,
        " ON CONFLICT (brand_id, order_number) DO NOTHING",
        returning="id, order_number, member_id",
    )
