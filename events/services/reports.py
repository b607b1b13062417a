"""What events did, for HQ and store managers: sign-ups, check-ins, no-shows, and members who bought
within N days of the event, per event, store or the inviting guide.

Definitions:
- sign-ups: registrations made (walk-ins excluded); confirmed / waitlisted / cancelled as they stand;
- checked in: registrations checked in, walk-ins included;
- no-shows: confirmed registrations not checked in, for events that have ended;
- converted: checked-in members with a purchase from the event's start to N days after it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from events.models import Event, Registration, RegistrationStatus
from referral.models import Touch, TouchKind


class EventDimension(StrEnum):
    EVENT = "event"
    STORE = "store"
    GUIDE = "guide"


@dataclass
class EventFigures:
    key: int | None  # event, store or guide id; None for HQ events (by store) or no inviting guide (by guide)
    sign_ups: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    checked_in: int = 0
    no_shows: int = 0
    converted: int = 0


async def figures(
    *,
    brand_id: int,
    start: datetime,
    end: datetime,
    by: EventDimension,
    now: datetime,
    conversion_days: int = 30,
    store_scope: int | None = None,
) -> list[EventFigures]:
    """Figures for events starting in [start, end), grouped by `by`, largest sign-ups first."""
    events = Event.filter(brand_id=brand_id, starts_at__gte=start, starts_at__lt=end)
    if store_scope is not None:
        events = events.filter(store_id=store_scope)
    by_id = {e.id: e for e in await events}
    registrations = await Registration.filter(event_id__in=list(by_id) or [0])
    window = timedelta(days=conversion_days)
    attended = [r for r in registrations if r.checked_in_at is not None]
    purchases: dict[int, list[datetime]] = defaultdict(list)
    if attended:
        earliest = min(by_id[r.event_id].starts_at for r in attended)
        rows = await Touch.filter(
            brand_id=brand_id,
            kind=TouchKind.PURCHASE,
            member_id__in={r.member_id for r in attended},
            occurred_at__gte=earliest,
            occurred_at__lt=max(by_id[r.event_id].starts_at for r in attended) + window,
        ).values_list("member_id", "occurred_at")
        for member_id, at in rows:
            purchases[member_id].append(at)

    groups: dict[int | None, EventFigures] = {}
    for r in registrations:
        event = by_id[r.event_id]
        key = {
            EventDimension.EVENT: event.id,
            EventDimension.STORE: event.store_id,
            EventDimension.GUIDE: r.invited_by_id,
        }[by]
        row = groups.setdefault(key, EventFigures(key=key))
        if not r.walk_in:
            row.sign_ups += 1
            row.confirmed += r.status is RegistrationStatus.CONFIRMED
            row.waitlisted += r.status is RegistrationStatus.WAITLISTED
            row.cancelled += r.status is RegistrationStatus.CANCELLED
        if r.checked_in_at is not None:
            row.checked_in += 1
            if any(event.starts_at <= at < event.starts_at + window for at in purchases[r.member_id]):
                row.converted += 1
        elif r.status is RegistrationStatus.CONFIRMED and event.ends_at <= now:
            row.no_shows += 1
    return sorted(groups.values(), key=lambda f: (-f.sign_ups, f.key or 0))
