"""Imported orders find their members, and are credited like a till purchase: points by the
products' per-item rule, one purchase touch per item credited to the guide bound to the member when
the order was placed (else to the order's store), so every report counts it.

A member is found by the first key that names exactly one registered member: their code, a phone
they verified, a WeChat unionid. An order nobody matches waits, keys and all, and is matched when its
member appears (scrm match-orders, and every import). The conditional UPDATE that marks a waiting
order matched is what decides: of two runs matching the same order, one credits it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from loyalty.models import ImportedOrder
from loyalty.services import points, policy as policies, products, purchase_rewards
from referral.models import TouchKind
from referral.services import touches
from referral.services.attribution import binding_join_on
from referral.sql import Statement

CHUNK = 2_000
K = TypeVar("K", bound=Hashable)
_PURCHASE = TouchKind.PURCHASE


@dataclass(frozen=True)
class Keys:
    """What may name an order's member."""

    member_code: str | None
    phone: str | None
    unionid: str | None


@dataclass(frozen=True)
class Order:
    """An order as crediting needs it: its number and lines (in memory, not read back)."""

    id: int
    order_number: str
    items: list[dict[str, Any]]


def earned(items: list[dict[str, Any]], catalogue: dict[str, products.Product]) -> int:
    """The points an order's lines earn: each product's points per item."""
    return sum(int(i["quantity"]) * catalogue[str(i["sku"])].points for i in items if str(i["sku"]) in catalogue)


async def members(conn: BaseDBAsyncClient, *, brand_id: int, keyed: Sequence[tuple[K, Keys]]) -> dict[K, int]:
    """For each (ref, keys), the member the first key names exactly one registered member for; refs
    no key matches are left out. Three queries, whatever the number."""
    registered = "m.deleted_at IS NULL AND m.registered_at IS NOT NULL"

    async def owners(sql: str, keys: set[str | None]) -> dict[str, int]:
        wanted = sorted(k for k in keys if k)
        if not wanted:
            return {}
        q = Statement(conn)
        return _unique([(r["k"], r["m"]) for r in await q.rows(sql.format(q.p(brand_id), q.among(wanted, "TEXT")))])

    by_code = await owners(
        f"SELECT m.invite_code AS k, m.id AS m FROM member m WHERE m.brand_id = {{}} AND {registered} "
        "AND m.invite_code {}",
        {k.member_code for _, k in keyed},
    )
    by_phone = await owners(
        f"SELECT m.phone AS k, m.id AS m FROM member m WHERE m.brand_id = {{}} AND {registered} "
        "AND m.phone_verified_at IS NOT NULL AND m.phone {}",
        {k.phone for _, k in keyed},
    )
    by_unionid = await owners(
        "SELECT i.unionid AS k, i.member_id AS m FROM member_identity i JOIN member m ON m.id = i.member_id "
        f"WHERE i.brand_id = {{}} AND {registered} AND i.unionid {{}}",
        {k.unionid for _, k in keyed},
    )
    found: dict[K, int] = {}
    for ref, k in keyed:
        for key, index in ((k.member_code, by_code), (k.phone, by_phone), (k.unionid, by_unionid)):
            if key and (member_id := index.get(key)) is not None:
                found[ref] = member_id
                break
    return found


def _unique(pairs: Sequence[Any]) -> dict[str, int]:
    """key -> member, for keys that lead to one member only (a phone two members verified is no one's)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for key, member_id in pairs:
        owners[str(key)].add(int(member_id))
    return {key: ids.pop() for key, ids in owners.items() if len(ids) == 1}


async def match_waiting(*, brand_id: int, now: datetime, before_import: int | None = None) -> int:
    """Match the brand's waiting orders (of imports before `before_import`, if given), a chunk per
    transaction; returns how many found their member and were credited."""
    catalogue = await products.catalogue(brand_id=brand_id)
    valid_days = (await policies.get(brand_id=brand_id)).points_valid_days
    matched, after = 0, 0
    while True:
        waiting = ImportedOrder.filter(brand_id=brand_id, matched_at=None, returned_at=None, id__gt=after)
        if before_import is not None:
            waiting = waiting.filter(order_import_id__lt=before_import)
        rows = (
            await waiting.order_by("id")
            .limit(CHUNK)
            .values("id", "order_number", "items", "member_code", "phone", "unionid")
        )
        if not rows:
            return matched
        after = rows[-1]["id"]
        orders = {row["id"]: Order(row["id"], row["order_number"], _items(row["items"])) for row in rows}
        async with in_transaction() as conn:
            found = await members(
                conn,
                brand_id=brand_id,
                keyed=[(row["id"], Keys(row["member_code"], row["phone"], row["unionid"])) for row in rows],
            )
            claimed = await _claim(
                conn, [(i, member_id, earned(orders[i].items, catalogue)) for i, member_id in found.items()], now
            )
            await credit(
                conn,
                brand_id=brand_id,
                orders=[orders[i] for i in claimed],
                catalogue=catalogue,
                now=now,
                valid_days=valid_days,
            )
        matched += len(claimed)


def _items(value: Any) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else list(value)


async def _claim(conn: BaseDBAsyncClient, rows: list[tuple[int, int, int]], now: datetime) -> list[int]:
    """Mark waiting orders matched (id, member, points) unless matched or returned meanwhile; returns
    the ids this transaction marked."""
    if not rows:
        return []
    q = Statement(conn)
    matched_at = q.p(now)
    if q.postgres:
        ids, member_ids, earned_points = (list(column) for column in zip(*rows, strict=True))
        source = (
            f"unnest(CAST({q.p(ids)} AS BIGINT[]), CAST({q.p(member_ids)} AS BIGINT[]), "
            f"CAST({q.p(earned_points)} AS INT[])) AS u(id, member_id, points)"
        )
    else:
        source = (
            "(SELECT value ->> 0 AS id, value ->> 1 AS member_id, value ->> 2 AS points "
            f"FROM json_each({q.p(json.dumps(rows))})) AS u"
        )
    marked = await q.rows(
        f"UPDATE imported_order SET member_id = u.member_id, points = u.points, matched_at = {matched_at} "
        f"FROM {source} WHERE imported_order.id = u.id AND imported_order.matched_at IS NULL "
        "AND imported_order.returned_at IS NULL RETURNING imported_order.id"
    )
    return sorted(int(row["id"]) for row in marked)


async def credit(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    orders: list[Order],
    catalogue: dict[str, products.Product],
    now: datetime,
    valid_days: int,
) -> None:
    """Credit orders just marked matched, inside the transaction that marked them: their points, and
    one purchase touch per item at the order's time, credited to the guide bound then."""
    if not orders:
        return
    q = Statement(conn)
    join = binding_join_on(q, "gb", brand_id, "o.member_id", "o.ordered_at")
    rows = await q.rows(
        "SELECT o.id, o.member_id, o.ordered_at, o.store_id, o.points, gb.guide_id, gb.store_id AS bound_store_id "
        f"FROM imported_order o {join} WHERE o.id {q.among([o.id for o in orders])}"
    )
    by_id = {o.id: o for o in orders}
    credits = [
        points.Credit(
            row["member_id"],
            int(row["points"]),
            sum(int(i["quantity"]) for i in by_id[row["id"]].items),
            order_note(by_id[row["id"]].order_number),
        )
        for row in rows
    ]
    before = await points.credit_many(conn, brand_id=brand_id, credits=credits, now=now, valid_days=valid_days)
    # Purchase campaigns, order by order: only when one runs (an import pays nothing for them otherwise).
    rules = await purchase_rewards.running(conn, brand_id=brand_id, now=now)
    bought: list[touches.Row] = []
    for row, purchases_before in zip(rows, before, strict=True):
        order, member_id, guide_id = by_id[row["id"]], row["member_id"], row["guide_id"]
        campaign_id = None
        if rules:
            skus = frozenset(str(i["sku"]) for i in order.items)
            granted = await purchase_rewards.reward(
                conn,
                brand_id=brand_id,
                rules=rules,
                bought=purchase_rewards.Bought(f"order:{order.id}", member_id, skus, purchases_before, guide_id),
                now=now,
                valid_days=valid_days,
            )
            campaign_id = purchase_rewards.credited(granted)
        at = _instant(row["ordered_at"])
        store_id = row["bound_store_id"] if guide_id is not None else row["store_id"]
        for n, item in enumerate(order.items):
            price, sku = int(item["price_cents"]), str(item["sku"])
            for unit in range(int(item["quantity"])):
                source = f"order:{order.id}:{n}:{unit}"
                line = catalogue[sku].line if sku in catalogue else None
                bought.append(touches.Row(member_id, at, guide_id, store_id, price, sku, source, campaign_id, line))
    await touches.record_rows(conn, brand_id=brand_id, kind=_PURCHASE, rows=bought)


def order_note(order_number: str) -> str:
    """The ledger note of an order's points: a return finds the lot it paid into by it."""
    return f"order {order_number}"


def _instant(value: Any) -> datetime:
    # SQLite hands raw SQL's timestamps back as text.
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
