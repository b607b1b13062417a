"""Touch points: every domain reports what happened to a member here; profiles and attribution read them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from referral.models import Channel, Touch, TouchKind
from referral.services.attribution import guide_at
from referral.sql import Statement, insert_many


def query(*, brand_id: int, member_id: int) -> QuerySet[Touch]:
    """A member's timeline."""
    return Touch.filter(brand_id=brand_id, member_id=member_id)


async def record(
    *,
    brand_id: int,
    member_id: int,
    kind: TouchKind,
    at: datetime,
    guide_id: int | None = None,
    store_id: int | None = None,
    channel: Channel | None = None,
    campaign: str | None = None,
    campaign_id: int | None = None,
    event_ref: str | None = None,
    amount_cents: int = 0,
    other_member_id: int | None = None,
    source: str | None = None,
    product: str | None = None,
    product_line: str | None = None,
    attribute: bool = False,
    conn: BaseDBAsyncClient | None = None,
) -> bool:
    """Append a touch. With attribute=True the guide and store are the ones bound to the member at `at`.

    A touch with a `source` is recorded once per (kind, source): a retried report returns False.
    Written as one INSERT ... ON CONFLICT DO NOTHING, so a duplicate never aborts the caller's
    transaction (an IntegrityError would, on PostgreSQL) and the hot paths pay no ORM cost. A caller
    holding its transaction's connection passes it (`conn`): looking it up again costs a claim ~1%.
    """
    if attribute and guide_id is None:
        bound = await guide_at(brand_id=brand_id, member_id=member_id, at=at)
        if bound is not None:
            guide_id, store_id = bound
    q = Statement(conn)
    head = ", ".join(q.p(v) for v in (brand_id, member_id, kind.value, at, guide_id))
    # A touch credited to a guide is credited to the guide's store too (a guide belongs to one store
    # for life): without this, an invited sign-up counted under "no store".
    store = (
        q.p(store_id)
        if store_id is not None or guide_id is None
        else f"(SELECT store_id FROM guide WHERE id = {q.p(guide_id)})"
    )
    tail = ", ".join(
        q.p(v)
        for v in (
            channel.value if channel else None,
            campaign,
            campaign_id,
            event_ref,
            amount_cents,
            other_member_id,
            source,
            product,
            product_line,
        )
    )
    placeholders = f"{head}, {store}, {tail}"
    rows = await q.rows(
        "INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, channel, "
        "campaign, campaign_id, event_ref, "
        f"amount_cents, other_member_id, source, product, product_line) VALUES ({placeholders}) "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    return bool(rows)


class Row(NamedTuple):
    """One touch of record_rows (a named tuple: an import makes 300,000 of them)."""

    member_id: int
    at: datetime
    guide_id: int | None
    store_id: int | None
    amount_cents: int
    product: str | None
    source: str
    campaign_id: int | None = None  # the campaign a rewarded purchase is credited to
    product_line: str | None = None


async def record_rows(conn: BaseDBAsyncClient, *, brand_id: int, kind: TouchKind, rows: list[Row]) -> None:
    """Touches of one kind, any members and moments, in one statement; each (kind, source) once."""
    value = kind.value  # once: an enum's .value costs a descriptor call per row
    await insert_many(
        conn,
        "touch",
        {
            "brand_id": "int",
            "member_id": "int",
            "kind": "text",
            "occurred_at": "timestamptz",
            "guide_id": "int",
            "store_id": "int",
            "amount_cents": "bigint",
            "product": "text",
            "source": "text",
            "campaign_id": "int",
            "product_line": "text",
        },
        [[brand_id, member, value, *rest] for member, *rest in rows],
        " ON CONFLICT DO NOTHING",
    )


async def record_from(
    conn: BaseDBAsyncClient, *, brand_id: int, kind: TouchKind, at: datetime, source: Callable[[Statement], str]
) -> None:
    """Append one unattributed touch per row of `source` (a SELECT of member_id and source, writing
    its own parameters), in one statement; each (kind, source) once, as in record."""
    q = Statement(conn)
    await q.execute(
        "INSERT INTO touch (brand_id, member_id, kind, occurred_at, amount_cents, source) "
        f"SELECT {q.typed(brand_id, 'INT')}, s.member_id, {q.typed(kind.value, 'TEXT')}, "
        f"{q.typed(at, 'TIMESTAMPTZ')}, 0, s.source FROM ({source(q)}) AS s WHERE TRUE ON CONFLICT DO NOTHING"
    )
