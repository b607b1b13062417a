"""Segments: who matches a set of conditions now, counted and listed in one SQL statement each, for
HQ (the whole brand), a store manager (their store's members) or a guide (their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from events.models import Event
from foundation.tenancy.models import Brand
from loyalty.models import CouponTemplate
from reach import condition_json, conditions as c
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import Segment
from reach.segment_sql import where
from referral.models import Guide, Store, Tag
from referral.sql import Statement

MAX_DEPTH = 6
MAX_CONDITIONS = 40
MAX_POINTS = 1_000_000_000


@dataclass(frozen=True)
class Scope:
    """Whose members a caller may select: the brand's, a store's, or one guide's."""

    brand_id: int
    store_id: int | None = None
    guide_id: int | None = None


def check(condition: c.Condition) -> None:
    """Refuse (SEGMENT_INVALID) a tree that is empty, too deep or too big, or a leaf that cannot hold."""
    count = _check(condition, depth=1)
    if count > MAX_CONDITIONS:
        raise ReachError(Code.SEGMENT_INVALID, f"At most {MAX_CONDITIONS} conditions.", "condition")


async def check_references(brand_id: int, condition: c.Condition) -> None:
    """Refuse (SEGMENT_INVALID) a condition naming a tag, store, guide, event or template the brand
    does not have: an empty count would look like an answer."""
    named: dict[str, set[object]] = {}
    _names(condition, named)
    tables = {"tag": Tag, "store": Store, "guide": Guide, "event": Event, "coupon template": CouponTemplate}
    for what, model in tables.items():
        wanted = named.get(what, set())
        if wanted and await model.filter(brand_id=brand_id, id__in=list(wanted)).count() != len(wanted):
            raise ReachError(Code.SEGMENT_INVALID, f"No such {what} in this brand.", "condition")
    templates = named.get("wechat template", set())
    if templates:
        brand = await Brand.get(id=brand_id)
        if not templates <= set((brand.wechat_templates or {}).values()):
            raise ReachError(Code.SEGMENT_INVALID, "Not one of this brand's WeChat templates.", "condition")


def _names(x: c.Condition, named: dict[str, set[object]]) -> None:
    if isinstance(x, c.AllOf | c.AnyOf):
        for part in x.parts:
            _names(part, named)
    elif isinstance(x, c.NotThis):
        _names(x.part, named)
    else:
        found = {
            c.HasTag: ("tag", "tag_id"),
            c.InStore: ("store", "store_id"),
            c.ServedBy: ("guide", "guide_id"),
            c.AtEvent: ("event", "event_id"),
            c.HoldsCoupon: ("coupon template", "template_id"),
            c.WechatCredit: ("wechat template", "template_id"),
        }.get(type(x))
        if found and (value := getattr(x, found[1])) is not None:
            named.setdefault(found[0], set()).add(value)


def _check(x: c.Condition, depth: int) -> int:
    if depth > MAX_DEPTH:
        raise ReachError(Code.SEGMENT_INVALID, f"Conditions nest at most {MAX_DEPTH} deep.", "condition")
    if isinstance(x, c.AllOf | c.AnyOf):
        if not x.parts:
            raise ReachError(Code.SEGMENT_INVALID, "AND and OR need at least one condition.", "condition")
        return 1 + sum(_check(part, depth + 1) for part in x.parts)
    if isinstance(x, c.NotThis):
        return 1 + _check(x.part, depth + 1)
    if isinstance(x, c.RegisteredBetween) and not x.start < x.end:
        raise ReachError(Code.SEGMENT_INVALID, "The registration period must start before it ends.", "condition")
    if isinstance(x, c.AtEvent) and x.attended and x.missed:
        raise ReachError(Code.SEGMENT_INVALID, "An event is attended or missed, not both.", "condition")
    if isinstance(x, c.BabyAgeMonths) and not 0 <= x.at_least <= x.at_most <= 240:
        raise ReachError(Code.SEGMENT_INVALID, "A baby's age is 0-240 months, the least first.", "condition")
    for days in (getattr(x, "within_days", None), getattr(x, "days", None), getattr(x, "expiring_within_days", None)):
        if days is not None and not 1 <= days <= 3660:
            raise ReachError(Code.SEGMENT_INVALID, "A number of days is 1-3660.", "condition")
    if isinstance(x, c.ValueBetween) and not (
        (x.at_least is not None or x.at_most is not None)
        and 0 <= (x.at_least or 0) <= (x.at_most if x.at_most is not None else MAX_POINTS) <= MAX_POINTS
    ):
        raise ReachError(
            Code.SEGMENT_INVALID, f"A value range is 0-{MAX_POINTS:,} points, the least first.", "condition"
        )
    if isinstance(x, c.Bought | c.PointsAtLeast) and min(getattr(x, "at_least", 1), getattr(x, "points", 0)) < 0:
        raise ReachError(Code.SEGMENT_INVALID, "Counts and points are not negative.", "condition")
    return 1


def select_sql(
    columns: str | Callable[[Statement], str],
    scope: Scope,
    condition: c.Condition,
    now: datetime,
    tail: str = "",
    conn: BaseDBAsyncClient | None = None,
) -> tuple[Statement, str]:
    """`SELECT columns FROM member m WHERE <the scope and the conditions>tail`, with its parameters:
    for counting, listing, or feeding an INSERT (tasks). Columns may add parameters through the
    returned Statement; a callable `columns` gets the Statement first, so its
    parameters come before the WHERE's (SQLite binds "?" by position)."""
    q = Statement(conn)
    columns = columns(q) if callable(columns) else columns
    clauses = [f"m.brand_id = {q.p(scope.brand_id)}", "m.registered_at IS NOT NULL", "m.deleted_at IS NULL"]
    if scope.guide_id is not None:
        clauses.append(f"m.guide_id = {q.p(scope.guide_id)}")
    if scope.store_id is not None:
        store = q.p(scope.store_id)
        clauses.append(f"EXISTS (SELECT 1 FROM guide sg WHERE sg.id = m.guide_id AND sg.store_id = {store})")
    clauses.append(where(condition, q, brand_id=scope.brand_id, now=now))
    return q, f"SELECT {columns} FROM member m WHERE {' AND '.join(clauses)}{tail}"


async def validate(*, brand_id: int, condition: c.Condition) -> None:
    """Refuse (SEGMENT_INVALID) a tree that cannot be evaluated or names what the brand lacks."""
    check(condition)
    await check_references(brand_id, condition)


async def count(*, scope: Scope, condition: c.Condition, now: datetime, checked: bool = False) -> int:
    """How many members the segment holds now; `checked`: validate already ran for this condition."""
    if not checked:
        await validate(brand_id=scope.brand_id, condition=condition)
    q, sql = select_sql("COUNT(*) AS n", scope, condition, now)
    return int((await q.rows(sql))[0]["n"])


async def member_ids(
    *,
    scope: Scope,
    condition: c.Condition,
    now: datetime,
    limit: int | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> list[int]:
    """The members the segment holds now, in id order (a sample with `limit`). Names in the
    conditions are not checked here (count and save do, for the people editing): a tag deleted
    since a segment was saved selects nobody rather than stopping a send in the worker."""
    check(condition)
    tail = " ORDER BY m.id" + (f" LIMIT {int(limit)}" if limit else "")
    q, sql = select_sql("m.id", scope, condition, now, tail, conn)
    return [int(row["id"]) for row in await q.rows(sql)]


async def save(
    *, brand_id: int, name: str, condition: c.Condition, created_by: str, now: datetime, segment_id: int | None = None
) -> Segment:
    """Save a new segment (or replace one's name and conditions); raises SEGMENT_INVALID or, for a
    name the brand already uses, SEGMENT_NAME_TAKEN; changes nothing then."""
    await validate(brand_id=brand_id, condition=condition)
    name = name.strip()
    if not 1 <= len(name) <= 80 or not name.isprintable():
        raise ReachError(Code.SEGMENT_INVALID, "A segment's name has 1-80 printable characters.", "name")
    definition = condition_json.dump(condition)
    try:
        if segment_id is None:
            return await Segment.create(
                brand_id=brand_id,
                name=name,
                definition=definition,
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
        row = await get(brand_id=brand_id, segment_id=segment_id)
        await Segment.filter(id=row.id).update(name=name, definition=definition, updated_at=now)
        return await Segment.get(id=row.id)
    except IntegrityError:
        raise ReachError(Code.SEGMENT_NAME_TAKEN, "The brand already has a segment with this name.", "name") from None


async def get(*, brand_id: int, segment_id: int) -> Segment:
    row = await Segment.get_or_none(id=segment_id, brand_id=brand_id)
    if row is None:
        raise ReachError(Code.SEGMENT_NOT_FOUND, "No such segment.", "segment_id")
    return row


def listing(*, brand_id: int) -> QuerySet[Segment]:
    return Segment.filter(brand_id=brand_id)


def conditions_of(segment: Segment) -> c.Condition:
    return condition_json.load(segment.definition)
