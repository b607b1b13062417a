"""Who a journey's trigger has just started for: one SQL statement per trigger, each row a member and
the occurrence (what happened, as text), entered with INSERT ... ON CONFLICT DO NOTHING against the
unique (journey, member, occurrence). Only occurrences since the journey was switched on count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from reach.journey_definition import Trigger, TriggerKind
from reach.models import Journey, RunStatus
from referral.sql import Statement

LIVE = "m.registered_at IS NOT NULL AND m.deleted_at IS NULL"


def _occurrences(q: Statement, journey: Journey, trigger: Trigger, now: datetime, today: date) -> str:  # noqa: C901 - one branch per trigger
    """SELECT member_id, occurrence for the trigger (the parameters go into `q` in text order)."""
    brand, since, n = journey.brand_id, journey.active_since, trigger.amount
    kind = trigger.kind
    if kind is TriggerKind.REGISTERED:
        return (
            f"SELECT m.id AS member_id, 'registered' AS occurrence FROM member m WHERE m.brand_id = {q.p(brand)} "
            f"AND {LIVE} AND m.registered_at >= {q.p(since)}"
        )
    if kind is TriggerKind.FIRST_PURCHASE:
        return (
            "SELECT c.member_id, 'first' AS occurrence FROM claim c JOIN member m ON m.id = c.member_id "
            f"WHERE c.brand_id = {q.p(brand)} AND {LIVE} AND c.reversed_at IS NULL GROUP BY c.member_id "
            f"HAVING MIN(c.claimed_at) >= {q.p(since)}"
        )
    if kind is TriggerKind.NO_PURCHASE_FOR_DAYS:
        # The occurrence is the last claim: buying again and lapsing again is a new one.
        return (
            "SELECT c.member_id, 'after:' || CAST(MAX(c.id) AS TEXT) AS occurrence FROM claim c "
            f"JOIN member m ON m.id = c.member_id WHERE c.brand_id = {q.p(brand)} AND {LIVE} "
            f"AND c.reversed_at IS NULL GROUP BY c.member_id HAVING MAX(c.claimed_at) < {q.p(now - timedelta(days=n))} "
            f"AND MAX(c.claimed_at) >= {q.p(since - timedelta(days=n))}"
        )
    if kind is TriggerKind.BABY_AGE_MONTHS:
        # Turned n months old between the journey's start and today (in the brand's zone).
        youngest, started = today - relativedelta(months=n), since.date() - relativedelta(months=n)
        return (
            "SELECT m.id AS member_id, 'baby:' || CAST(m.baby_birth_date AS TEXT) AS occurrence FROM member m "
            f"WHERE m.brand_id = {q.p(brand)} AND {LIVE} AND m.baby_birth_date <= {q.p(youngest)} "
            f"AND m.baby_birth_date > {q.p(started - timedelta(days=1))}"
        )
    if kind is TriggerKind.DUE_IN_DAYS:
        return (
            "SELECT m.id AS member_id, 'due:' || CAST(m.baby_due_date AS TEXT) AS occurrence FROM member m "
            f"WHERE m.brand_id = {q.p(brand)} AND {LIVE} AND m.baby_birth_date IS NULL "
            f"AND m.baby_due_date >= {q.p(today)} AND m.baby_due_date <= {q.p(today + timedelta(days=n))} "
            f"AND m.baby_due_date >= {q.p(since.date() + timedelta(days=n))}"
        )
    if kind is TriggerKind.MISSED_EVENT:
        return (
            "SELECT r.member_id, 'event:' || CAST(r.event_id AS TEXT) AS occurrence FROM registration r "
            f"JOIN event e ON e.id = r.event_id JOIN member m ON m.id = r.member_id WHERE r.brand_id = {q.p(brand)} "
            f"AND {LIVE} AND r.status = 'confirmed' AND r.checked_in_at IS NULL AND e.ends_at < {q.p(now)} "
            f"AND e.ends_at >= {q.p(since)}"
        )
    if kind is TriggerKind.COUPON_EXPIRING:
        return (
            "SELECT k.member_id, 'coupon:' || CAST(k.id AS TEXT) AS occurrence FROM coupon k "
            f"JOIN member m ON m.id = k.member_id WHERE k.brand_id = {q.p(brand)} AND {LIVE} AND k.status = 'issued' "
            f"AND k.expires_at > {q.p(now)} AND k.expires_at <= {q.p(now + timedelta(days=n))} "
            f"AND k.expires_at >= {q.p(since + timedelta(days=n))}"
        )
    if kind is TriggerKind.POINTS_EXPIRING:
        return (
            "SELECT e.member_id, 'points:' || CAST(e.id AS TEXT) AS occurrence FROM points_entry e "
            f"JOIN member m ON m.id = e.member_id WHERE e.brand_id = {q.p(brand)} AND {LIVE} AND e.remaining > 0 "
            f"AND e.expires_at > {q.p(now)} AND e.expires_at <= {q.p(now + timedelta(days=n))} "
            f"AND e.expires_at >= {q.p(since + timedelta(days=n))}"
        )
    raise TypeError(kind)


async def enter(journey: Journey, trigger: Trigger, *, now: datetime, zone: ZoneInfo) -> int:
    """Start a run for every new occurrence of the trigger; returns how many started."""
    q = Statement()
    # Parameters in the order they stand in the text (SQLite binds "?" by position).
    journey_id, status = q.typed(journey.id, "INTEGER"), q.typed(RunStatus.ACTIVE.value, "TEXT")
    times = ", ".join(q.typed(now, "TIMESTAMPTZ") for _ in range(3))
    head = f"SELECT {journey_id}, x.member_id, x.occurrence, 0, {status}, {times}"
    source = _occurrences(q, journey, trigger, now, now.astimezone(zone).date())
    # WHERE TRUE: SQLite would read "ON CONFLICT" after a bare FROM as a join's ON.
    rows = await q.rows(
        "INSERT INTO journey_run (journey_id, member_id, occurrence, step, status, next_at, created_at, updated_at) "
        f"{head} FROM ({source}) x WHERE TRUE ON CONFLICT (journey_id, member_id, occurrence) DO NOTHING RETURNING id"
    )
    return len(rows)
