"""Reminders the day before: run periodically (`scrm queue-event-reminders`, e.g. hourly); each
confirmed member of an event starting within the window is told once (the dedupe key sees to it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.services import notices
from foundation.rows import column
from referral.models import MessageKind
from referral.services import outbox

WINDOW = timedelta(hours=24)


async def queue(*, now: datetime, window: timedelta = WINDOW) -> int:
    """Queue reminders for events starting in (now, now + window]; returns how many were considered."""
    events = await Event.filter(status=EventStatus.PUBLISHED, starts_at__gt=now, starts_at__lte=now + window)
    considered = 0
    for event in events:
        members = await column(Registration.filter(event_id=event.id, status=RegistrationStatus.CONFIRMED), "member_id")
        async with in_transaction() as conn:
            for member_id in members:
                await outbox.enqueue(
                    brand_id=event.brand_id,
                    member_id=member_id,
                    kind=MessageKind.EVENT_REMINDER,
                    params=notices.about(event),
                    dedupe_key=f"reminder:{event.id}:{member_id}",
                    now=now,
                    conn=conn,
                )
        considered += len(members)
    return considered
