"""Check-in on the day: a member scans the venue's check-in QR (signed, valid a few minutes, shown on
a screen at the door), or a guide scans the member's ticket QR. Once per registration, only in the
check-in window, only for confirmed members (walk-ins if the event allows them)."""

from __future__ import annotations

import hashlib
import hmac
import re
from base64 import urlsafe_b64encode
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from events.errors import EventError, EventErrorCode as Code
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.steps import EventStep, StepReached
from referral import codes
from referral.models import Guide, TouchKind
from referral.services import touches

# How long a venue code shown on screen stays valid: the screen refreshes it well before.
VENUE_CODE_TTL = timedelta(minutes=5)


def venue_code(key: bytes, event: Event, now: datetime) -> tuple[str, datetime]:
    """The code the venue's screen shows (as a QR), and when it stops working."""
    expires = int((now + VENUE_CODE_TTL).timestamp())
    return f"V{event.id}.{expires}.{_mac(key, event.brand_id, event.id, expires)}", datetime.fromtimestamp(
        expires, now.tzinfo
    )


def window(event: Event) -> tuple[datetime, datetime]:
    return event.starts_at - timedelta(minutes=event.check_in_opens_minutes), event.ends_at


async def by_venue_code(
    *, key: bytes, brand_id: int, member_id: int, code: str, now: datetime, on_step: StepReached
) -> Registration:
    """The member checks in with the code shown at the venue. Raises CHECK_IN_CODE_INVALID (forged,
    expired or another brand's), EVENT_CANCELLED, CHECK_IN_CLOSED, NOT_SIGNED_UP, WAITLISTED or
    ALREADY_CHECKED_IN."""
    event_id = _verify(key, brand_id, code, now)
    event = await Event.get_or_none(id=event_id, brand_id=brand_id)
    if event is None:
        raise EventError(Code.CHECK_IN_CODE_INVALID, "This check-in code is not valid.", "code")
    return await _check_in(event, member_id=member_id, now=now, guide_id=None, on_step=on_step)


async def by_ticket(*, brand_id: int, guide_id: int, ticket: str, now: datetime, on_step: StepReached) -> Registration:
    """A guide scans a member's ticket. A store's event takes that store's guides; an HQ event any
    guide of the brand. Raises CHECK_IN_CODE_INVALID, REGISTRATION_NOT_FOUND, and the rules above."""
    normal = codes.normalize(ticket)
    registration = None
    if normal is not None and normal.startswith("T"):
        registration = await Registration.get_or_none(brand_id=brand_id, ticket_code=normal).select_related("event")
    if registration is None:
        raise EventError(Code.CHECK_IN_CODE_INVALID, "This ticket is not valid.", "code")
    guide = await Guide.get(id=guide_id)
    if registration.event.store_id is not None and guide.store_id != registration.event.store_id:
        raise EventError(Code.REGISTRATION_NOT_FOUND, "This ticket is for another store's event.", "code")
    return await _check_in(
        registration.event, member_id=registration.member_id, now=now, guide_id=guide_id, on_step=on_step
    )


async def _check_in(
    event: Event, *, member_id: int, now: datetime, guide_id: int | None, on_step: StepReached
) -> Registration:
    if event.status is EventStatus.CANCELLED:
        raise EventError(Code.EVENT_CANCELLED, "This event was cancelled.", "code")
    opens, closes = window(event)
    if not opens <= now < closes:
        raise EventError(Code.CHECK_IN_CLOSED, "Check-in is not open now.", "code")
    async with in_transaction() as conn:
        registration = await Registration.filter(event_id=event.id, member_id=member_id).using_db(conn).get_or_none()
        if registration is None or registration.status is RegistrationStatus.CANCELLED:
            if not event.allow_walk_ins:
                raise EventError(Code.NOT_SIGNED_UP, "You are not signed up for this event.", "code")
            registration = await _walk_in(event, member_id, registration, now)
        elif registration.status is RegistrationStatus.WAITLISTED:
            raise EventError(Code.WAITLISTED, "You are still on the waitlist for this event.", "code")
        # The conditional update decides: a second scan, however close, changes nothing.
        if (
            not await Registration.filter(id=registration.id, checked_in_at__isnull=True)
            .using_db(conn)
            .update(checked_in_at=now)
        ):
            raise EventError(Code.ALREADY_CHECKED_IN, "You have already checked in.", "code")
        await touches.record(
            brand_id=event.brand_id,
            member_id=member_id,
            kind=TouchKind.EVENT_CHECK_IN,
            at=now,
            guide_id=guide_id,
            attribute=guide_id is None,
            event_ref=f"event:{event.id}",
            source=f"checkin:{registration.id}",
            conn=conn,
        )
        await on_step(
            conn,
            brand_id=event.brand_id,
            member_id=member_id,
            step=EventStep.CHECK_IN,
            key=f"checkin:{registration.id}",
            now=now,
            guide_id=guide_id,
        )
        return await Registration.filter(id=registration.id).using_db(conn).get()


async def _walk_in(event: Event, member_id: int, cancelled: Registration | None, now: datetime) -> Registration:
    """A walk-in is recorded without taking a place (the place count is for those who signed up)."""
    fields: dict[str, Any] = dict(
        status=RegistrationStatus.CONFIRMED, walk_in=True, signed_up_at=now, confirmed_at=now, cancelled_at=None
    )
    if cancelled is not None:
        await Registration.filter(id=cancelled.id).update(**fields)
        return await Registration.get(id=cancelled.id)
    return await Registration.create(
        brand_id=event.brand_id,
        event_id=event.id,
        member_id=member_id,
        ticket_code=codes.new("T", 10),
        answers={},
        **fields,
    )


_CODE = re.compile(r"V(?P<event>[0-9]{1,10})\.(?P<expires>[0-9]{1,11})\.(?P<mac>[A-Za-z0-9_=-]{1,40})", re.ASCII)


def _mac(key: bytes, brand_id: int, event_id: int, expires: int) -> str:
    digest = hmac.new(key, f"checkin:{brand_id}:{event_id}:{expires}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest[:15]).decode()


def _verify(key: bytes, brand_id: int, code: str, now: datetime) -> int:
    # The whole shape first, in ASCII: int() would take other scripts' digits and any size, and
    # compare_digest refuses non-ASCII str (an internal error, before).
    found = _CODE.fullmatch(code.strip())
    if found is None:
        raise EventError(Code.CHECK_IN_CODE_INVALID, "This check-in code is not valid.", "code")
    event_id, expires, mac = int(found["event"]), int(found["expires"]), found["mac"]
    if not hmac.compare_digest(mac.encode(), _mac(key, brand_id, event_id, expires).encode()):
        raise EventError(Code.CHECK_IN_CODE_INVALID, "This check-in code is not valid.", "code")
    if now.timestamp() >= expires:
        raise EventError(Code.CHECK_IN_CODE_INVALID, "This check-in code has expired; scan the screen again.", "code")
    return event_id
