"""Guides as the channel: HQ (or a store manager) turns a segment into one task per member for the
member's guide; each guide sees and closes only their own. A task done is a touch credited to the
guide, so it counts in their figures and the leaderboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from loyalty import idempotency
from reach import conditions as c, segments
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import GuideTask, TaskList, TaskOutcome, TaskStatus
from referral.models import GuideStatus, TouchKind
from referral.services import touches
from referral.sql import Statement

FURTHEST = timedelta(days=366)


def _check_words(title: str, note: str | None) -> None:
    if not 1 <= len(title.strip()) <= 80 or not title.isprintable():
        raise ReachError(Code.TASK_INVALID, "A title of 1-80 printable characters.", "title")
    if note is not None and (len(note) > 500 or not note.replace("\n", " ").isprintable()):
        raise ReachError(Code.TASK_INVALID, "A note of at most 500 characters.", "note")


async def from_segment(
    *,
    scope: segments.Scope,
    segment_id: int,
    title: str,
    note: str | None,
    due_at: datetime | None,
    created_by: str,
    now: datetime,
    idempotency_key: str | None = None,
) -> TaskList:
    """One task per member the segment holds now (within the caller's scope) for the guide they are
    bound to, in one INSERT ... SELECT; members without an active guide get none (counted). A retry
    with the same idempotency key answers the first list."""
    idempotency.check(idempotency_key)
    _check_words(title, note)
    if due_at is not None and not now <= due_at <= now + FURTHEST:
        raise ReachError(Code.TASK_INVALID, "A due time from now to a year ahead.", "due_at")
    if idempotency_key and (
        earlier := await TaskList.get_or_none(brand_id=scope.brand_id, idempotency_key=idempotency_key)
    ):
        return earlier
    segment = await segments.get(brand_id=scope.brand_id, segment_id=segment_id)
    condition = segments.conditions_of(segment)
    audience = await segments.count(scope=scope, condition=condition, now=now)
    try:
        async with in_transaction() as conn:
            listed = await TaskList.create(
                brand_id=scope.brand_id,
                segment_id=segment.id,
                title=title.strip(),
                note=note,
                due_at=due_at,
                created_by=created_by,
                idempotency_key=idempotency_key,
                created_at=now,
                using_db=conn,
            )
            assigned = await _insert(conn, listed, scope, condition, now)
            listed.assigned, listed.unassigned = assigned, max(0, audience - assigned)
            await listed.save(using_db=conn, update_fields=["assigned", "unassigned"])
    except IntegrityError:
        if idempotency_key and (
            earlier := await TaskList.get_or_none(brand_id=scope.brand_id, idempotency_key=idempotency_key)
        ):
            return earlier
        raise
    return listed


async def _insert(
    conn: BaseDBAsyncClient, listed: TaskList, scope: segments.Scope, condition: c.Condition, now: datetime
) -> int:
    def columns(q: Statement) -> str:
        return (
            f"m.brand_id, m.guide_id, m.id, {q.typed(listed.title, 'TEXT')}, {q.typed(listed.note, 'TEXT')}, "
            f"{q.typed(listed.due_at, 'TIMESTAMPTZ')}, {q.typed(TaskStatus.OPEN.value, 'TEXT')}, "
            f"{q.typed(f'list:{listed.id}:', 'TEXT')} || CAST(m.id AS TEXT), {q.typed(now, 'TIMESTAMPTZ')}"
        )

    active = f"'{GuideStatus.ACTIVE.value}'"
    q, select = segments.select_sql(
        columns,
        scope,
        condition,
        now,
        f" AND m.guide_id IN (SELECT id FROM guide WHERE status = {active})",
        conn,
    )
    rows = await q.rows(
        "INSERT INTO guide_task (brand_id, guide_id, member_id, title, note, due_at, status, source, created_at) "
        f"{select} ON CONFLICT (brand_id, source) DO NOTHING RETURNING id"
    )
    return len(rows)


async def create_one(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    guide_id: int,
    member_id: int,
    title: str,
    note: str | None,
    due_at: datetime | None,
    source: str,
    now: datetime,
) -> bool:
    """One task (a journey's step) in the caller's transaction; False when `source` made it already."""
    q = Statement(conn)
    values = (brand_id, guide_id, member_id, title[:80], note, due_at, TaskStatus.OPEN.value, source[:64], now)
    rows = await q.rows(
        "INSERT INTO guide_task (brand_id, guide_id, member_id, title, note, due_at, status, source, created_at) "
        f"VALUES ({', '.join(q.p(v) for v in values)}) ON CONFLICT (brand_id, source) DO NOTHING RETURNING id"
    )
    return bool(rows)


def of_guide(*, brand_id: int, guide_id: int, status: TaskStatus | None = None) -> QuerySet[GuideTask]:
    q = GuideTask.filter(brand_id=brand_id, guide_id=guide_id)
    return q.filter(status=status) if status else q


async def complete(
    *, brand_id: int, guide_id: int, task_id: int, outcome: TaskOutcome, note: str | None, now: datetime
) -> GuideTask:
    """The guide marks their task done with what came of it. Done again with the same outcome (a
    retry) answers the task; with another, TASK_ALREADY_DONE. Another guide's task: TASK_NOT_FOUND."""
    if note is not None and (len(note) > 500 or not note.replace("\n", " ").isprintable()):
        raise ReachError(Code.TASK_INVALID, "A note of at most 500 characters.", "note")
    async with in_transaction() as conn:
        mine = GuideTask.filter(id=task_id, brand_id=brand_id, guide_id=guide_id).using_db(conn)
        if not await mine.filter(status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, outcome=outcome, outcome_note=note, done_at=now
        ):
            task = await mine.first()
            if task is None:
                raise ReachError(Code.TASK_NOT_FOUND, "No such task among yours.", "task_id")
            if task.outcome is not outcome:
                raise ReachError(Code.TASK_ALREADY_DONE, "This task was marked done already.", "task_id")
            return task
        task = await GuideTask.get(id=task_id, using_db=conn)
        await touches.record(
            brand_id=brand_id,
            member_id=task.member_id,
            kind=TouchKind.TASK_DONE,
            at=now,
            guide_id=guide_id,
            source=f"task:{task.id}",
            conn=conn,
        )
    return task
