"""A sign-up's place in one round trip on PostgreSQL: one call of events_sign_up() (events/migrations/0003),
which does under the event's row lock what signups.sign_up_stepwise does step by step. The lock is
held until COMMIT: a full event's sign-ups queue on it, so the fewer round trips it spans, the more
sign-ups an event takes per second."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from events.models import Registration
from referral.sql import Statement

SIGNED_UP = "SIGNED_UP"


async def take_place(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    event_id: int,
    member_id: int,
    answers: dict[str, Any],
    now: datetime,
    ticket: str,
    invited_by: int | None,
) -> tuple[str, Registration | None]:
    """What the function answered (SIGNED_UP, EXISTING: signed up already, or why the event refused:
    EVENT_CANCELLED, EVENT_NOT_OPEN) and the member's registration, if there is one."""
    q = Statement(conn)
    # The function in FROM runs once; `(s.p_registration).*` spreads its row into columns.
    rows = await q.rows(
        "SELECT s.p_outcome AS outcome, (s.p_registration).* "
        f"FROM events_sign_up({q.p(brand_id)}, {q.p(event_id)}, {q.p(member_id)}, "
        f"CAST({q.p(json.dumps(answers))} AS JSONB), {q.p(now)}, {q.p(ticket)}, {q.p(invited_by)}) AS s"
    )
    row = rows[0]
    outcome = row.pop("outcome")
    if row["id"] is None:
        return outcome, None
    # How tortoise itself makes a model of a row it read: each column to its field's Python type.
    return outcome, Registration._init_from_db(**row)
