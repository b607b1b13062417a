"""Moving journey runs on, step by step. Each step runs in one transaction with the move of the run's
step pointer, claimed by a conditional update (step = the one read): two runners never both run a
step, and a runner that dies mid-step leaves the pointer where it was, so the step runs again whole.
What a step does outside the database is keyed by the run and step (the message's dedupe key, the
coupon's idempotency key, the task's source), so nothing reaches a member twice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError
from loyalty.models import CouponTemplate
from loyalty.services import coupons
from reach import personalise, segments, tasks
from reach.broadcasts import personal_values
from reach.journey_definition import Check, GiveCoupon, MakeTask, Send, Step, Wait, parse
from reach.models import Journey, JourneyRun, RunStatus
from referral.models import Guide, GuideStatus, Member, MessageKind
from referral.services import outbox


async def advance_due(*, now: datetime, limit: int = 500) -> Counter[str]:
    """Run what is due of up to `limit` runs; returns how many steps ran, by kind."""
    done: Counter[str] = Counter()
    runs = await JourneyRun.filter(status=RunStatus.ACTIVE, next_at__lte=now).order_by("id").limit(limit)
    journeys = {j.id: j for j in await Journey.filter(id__in={r.journey_id for r in runs})}
    steps_of = {j.id: parse(j.definition).steps for j in journeys.values()}
    for run in runs:
        journey, steps = journeys[run.journey_id], steps_of[run.journey_id]
        while (outcome := await _one_step(run, journey, steps, now)) is not None:
            done[outcome] += 1
            if outcome in ("wait", "exit", "done"):
                break
    return done


async def _one_step(run: JourneyRun, journey: Journey, steps: tuple[Step, ...], now: datetime) -> str | None:
    """Run the run's next step; returns what it was, or None when another runner had it."""
    async with in_transaction() as conn:
        at = run.step
        if at >= len(steps):
            moved = await _move(conn, run, at, now, status=RunStatus.DONE)
            return "done" if moved else None
        step = steps[at]
        if isinstance(step, Wait):
            moved = await _move(conn, run, at + 1, now, next_at=now + step.delay)
            return "wait" if moved else None
        if not await _move(conn, run, at + 1, now):
            return None
        if isinstance(step, Check):
            if not await _holds(conn, journey.brand_id, run.member_id, step, now):
                await JourneyRun.filter(id=run.id).using_db(conn).update(status=RunStatus.EXITED, updated_at=now)
                run.step = at + 1
                return "exit"
        elif isinstance(step, Send):
            await _send(conn, journey, run, at, step, now)
        elif isinstance(step, GiveCoupon):
            await _coupon(conn, journey, run, at, step, now)
        elif isinstance(step, MakeTask):
            await _task(conn, journey, run, at, step, now)
    run.step = at + 1
    return type(step).__name__.lower()


async def _move(
    conn: BaseDBAsyncClient,
    run: JourneyRun,
    to: int,
    now: datetime,
    *,
    status: RunStatus | None = None,
    next_at: datetime | None = None,
) -> bool:
    """Claim the step: move the pointer from the step read to `to`; False if another runner moved it."""
    changes: dict[str, object] = {"step": to, "updated_at": now}
    if status is not None:
        changes["status"] = status
    if next_at is not None:
        changes["next_at"] = next_at
    moved = await JourneyRun.filter(id=run.id, step=run.step, status=RunStatus.ACTIVE).using_db(conn).update(**changes)
    if moved and status is not None:
        run.status = status
    return bool(moved)


def _key(run: JourneyRun, at: int) -> str:
    return f"journey:{run.id}:{at}"


async def _holds(conn: BaseDBAsyncClient, brand_id: int, member_id: int, step: Check, now: datetime) -> bool:
    q, sql = segments.select_sql(
        "m.id", segments.Scope(brand_id=brand_id), step.condition, now, f" AND m.id = {int(member_id)}", conn
    )
    return bool(await q.rows(sql))


async def _send(conn: BaseDBAsyncClient, journey: Journey, run: JourneyRun, at: int, step: Send, now: datetime) -> None:
    """A marketing message: only with consent (without it the step passes, sending nothing)."""
    member = await Member.get(id=run.member_id, using_db=conn)
    if member.marketing_consent_at is None or member.deleted_at is not None:
        return
    values = (await personal_values(conn, [member.id])).get(member.id, {})
    params = {
        "title": personalise.fill(step.title, values),
        "body": personalise.fill(step.body, values),
        "sent_at": now.isoformat(),
        "journey_id": journey.id,
        "marketing": True,
    }
    await outbox.enqueue_many(
        conn,
        brand_id=journey.brand_id,
        kind=MessageKind.BROADCAST,
        notices=[outbox.Notice(member.id, params, _key(run, at))],
        now=now,
        send_at=now,
    )


async def _coupon(
    conn: BaseDBAsyncClient, journey: Journey, run: JourneyRun, at: int, step: GiveCoupon, now: datetime
) -> None:
    """Within the template's limits; a refusal (out of stock, held already) lets the run go on."""
    template = await CouponTemplate.get(id=step.template_id, using_db=conn)
    try:
        async with in_transaction() as savepoint:
            await coupons.issue_within(
                savepoint, template, member_id=run.member_id, now=now, idempotency_key=_key(run, at)
            )
    except LoyaltyError:
        return


async def _task(
    conn: BaseDBAsyncClient, journey: Journey, run: JourneyRun, at: int, step: MakeTask, now: datetime
) -> None:
    """For the guide the member is bound to now, if they have an active one."""
    member = await Member.get(id=run.member_id, using_db=conn)
    guide = (
        await Guide.filter(id=member.guide_id, status=GuideStatus.ACTIVE).using_db(conn).first()
        if member.guide_id
        else None
    )
    if guide is None:
        return
    await tasks.create_one(
        conn,
        brand_id=journey.brand_id,
        guide_id=guide.id,
        member_id=member.id,
        title=step.title,
        note=step.note,
        due_at=now + timedelta(days=step.due_days) if step.due_days is not None else None,
        source=_key(run, at),
        now=now,
    )
