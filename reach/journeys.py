"""Journeys: HQ saves them as data (reach/journey_definition.py); `run` enters members whose trigger
occurred and moves every due run on (reach/journey_runs.py). Run from cron (`scrm run-journeys`) or
by the outbox worker; running twice, or after a crash, does nothing twice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from reach import journey_definition, journey_runs, journey_triggers
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import Journey, JourneyRun, RunStatus


async def save(
    *,
    brand_id: int,
    name: str,
    definition: Any,
    active: bool,
    created_by: str,
    now: datetime,
    journey_id: int | None = None,
) -> Journey:
    """Save a new journey, or change one's name, definition or switch. Its steps cannot change once
    members are in it (JOURNEY_HAS_RUNS); switching it on again counts triggers from then."""
    name = name.strip()
    if not 1 <= len(name) <= 80 or not name.isprintable():
        raise ReachError(Code.JOURNEY_INVALID, "A journey's name has 1-80 printable characters.", "name")
    resolved = await journey_definition.resolve(brand_id, definition)
    try:
        if journey_id is None:
            return await Journey.create(
                brand_id=brand_id,
                name=name,
                definition=resolved,
                active=active,
                active_since=now,
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
        row = await get(brand_id=brand_id, journey_id=journey_id)
        if resolved != row.definition and await JourneyRun.exists(journey_id=row.id):
            raise ReachError(Code.JOURNEY_HAS_RUNS, "Members are in this journey: make a new one.", "definition")
        since = now if active and not row.active else row.active_since
        await Journey.filter(id=row.id).update(
            name=name, definition=resolved, active=active, active_since=since, updated_at=now
        )
        return await Journey.get(id=row.id)
    except IntegrityError:
        raise ReachError(Code.JOURNEY_NAME_TAKEN, "The brand already has a journey with this name.", "name") from None


async def get(*, brand_id: int, journey_id: int) -> Journey:
    row = await Journey.get_or_none(id=journey_id, brand_id=brand_id)
    if row is None:
        raise ReachError(Code.JOURNEY_NOT_FOUND, "No such journey.", "journey_id")
    return row


def listing(*, brand_id: int) -> QuerySet[Journey]:
    return Journey.filter(brand_id=brand_id)


async def run_counts(journey_id: int) -> Counter[RunStatus]:
    """Runs of the journey by status."""
    rows = (
        await JourneyRun.filter(journey_id=journey_id)
        .group_by("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Counter({RunStatus(status): int(n) for status, n in rows})


async def run(*, now: datetime) -> Counter[str]:
    """Enter members of every active journey whose trigger occurred, then run every due step."""
    done: Counter[str] = Counter()
    journeys = await Journey.filter(active=True).order_by("id")
    zones = {b.id: regional.of(b).zone for b in await Brand.filter(id__in={j.brand_id for j in journeys})}
    for journey in journeys:
        trigger = journey_definition.parse(journey.definition).trigger
        done["entered"] += await journey_triggers.enter(journey, trigger, now=now, zone=zones[journey.brand_id])
    # Batch after batch until none is due (a batch that only waits or lost its runs to another runner ends it).
    while batch := await journey_runs.advance_due(now=now):
        done.update(batch)
    return done
