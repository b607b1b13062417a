"""Sign-ups: a place if one is free, else the waitlist in order; a cancellation promotes the first
waiting member.

Every change to an event's places runs with the event's row locked (SQLite runs one transaction at
a time): the decision "confirmed or waitlisted", the waitlist position and the promotion all read
counters nobody else can change meanwhile. On PostgreSQL the lock is FOR NO KEY UPDATE: it
serialises the changes to places, yet rows that only refer to the event (a walk-in's registration,
an invitation) can be written meanwhile. The CHECK confirmed_count <= capacity backs it, and
(event, member) is unique, so a double tap signs up once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from events.errors import EventError, EventErrorCode as Code
from events.models import Event, EventStatus, Invitation, Registration, RegistrationStatus
from events.services import events as events_service, notices, signup_call
from events.services.questions import check_answers
from events.steps import EventStep, StepReached
from referral import codes
from referral.models import MessageKind, TouchKind
from referral.services import members, outbox, touches
from referral.sql import Statement

TICKET_PREFIX = "T"


@dataclass(frozen=True)
class Cancelled:
    registration: Registration
    # The waiting member who got the freed place, if anyone did.
    promoted: Registration | None


def mine(*, brand_id: int, member_id: int) -> QuerySet[Registration]:
    return Registration.filter(brand_id=brand_id, member_id=member_id)


def of_event(*, event: Event) -> QuerySet[Registration]:
    return Registration.filter(event_id=event.id)


async def is_signed_up(*, event: Event, member_id: int) -> bool:
    return await Registration.exists(event_id=event.id, member_id=member_id, status__not=RegistrationStatus.CANCELLED)


async def sign_up(
    *, brand_id: int, event_id: int, member_id: int, answers: dict[str, Any], now: datetime, on_step: StepReached
) -> Registration:
    """Confirmed if a place is free, else waitlisted. Signing up again while signed up returns the
    same registration. Raises EVENT_NOT_FOUND, EVENT_NOT_OPEN, EVENT_CANCELLED, NOT_IN_AUDIENCE,
    ANSWER_INVALID or MEMBER_NOT_REGISTERED.

    On PostgreSQL the place is taken in one call (signup_call), after the step's campaigns in the
    same transaction, so the event's row lock, which every sign-up of the event waits for, spans
    that call and COMMIT; elsewhere step by step (sign_up_stepwise): the two write the same rows."""
    if not Statement().postgres:
        return await sign_up_stepwise(
            brand_id=brand_id, event_id=event_id, member_id=member_id, answers=answers, now=now, on_step=on_step
        )
    event, kept = await _admitted(brand_id=brand_id, event_id=event_id, member_id=member_id, answers=answers, now=now)
    invited_by = await _invited_by(event.id, member_id)
    try:
        async with in_transaction() as conn:
            # The campaigns' accounts are locked before the event: safe, since nothing holding an
            # event's lock waits for an account (a cancellation and HQ's changes lock none).
            await _reached(on_step, conn, event, member_id, invited_by, now)
            outcome, registration = await signup_call.take_place(
                conn,
                brand_id=brand_id,
                event_id=event.id,
                member_id=member_id,
                answers=kept,
                now=now,
                ticket=codes.new(TICKET_PREFIX, 10),
                invited_by=invited_by,
            )
            if outcome != signup_call.SIGNED_UP or registration is None:
                raise _Undone(outcome, registration)  # the step's rewards with it
            return registration
    except _Undone as undone:
        if undone.registration is None:
            raise _closed(undone.outcome) from None
        return undone.registration


class _Undone(Exception):
    """Rolls a sign-up's transaction back: signed up already (that registration), or closed."""

    def __init__(self, outcome: str, registration: Registration | None) -> None:
        self.outcome, self.registration = outcome, registration


async def sign_up_stepwise(
    *, brand_id: int, event_id: int, member_id: int, answers: dict[str, Any], now: datetime, on_step: StepReached
) -> Registration:
    """sign_up in Python, a round trip per step: SQLite's path, and the reference the one call is
    compared with (tests/events/test_sign_up_paths.py)."""
    event, kept = await _admitted(brand_id=brand_id, event_id=event_id, member_id=member_id, answers=answers, now=now)
    invited_by = await _invited_by(event.id, member_id)
    async with in_transaction() as conn:
        locked = await _lock(conn, event.id)
        _check_open(locked, now)
        existing = await Registration.filter(event_id=event.id, member_id=member_id).using_db(conn).get_or_none()
        if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
            return existing
        seat = locked.confirmed_count < locked.capacity
        fields: dict[str, Any] = dict(
            status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED,
            answers=kept,
            signed_up_at=now,
            confirmed_at=now if seat else None,
            cancelled_at=None,
            invited_by_id=invited_by,
            waitlist_position=None if seat else locked.waitlist_seq + 1,
        )
        await _count(conn, locked, seats=1 if seat else 0, waitlist=0 if seat else 1)
        if existing is not None:  # signing up again after cancelling: the same row, back in line
            await Registration.filter(id=existing.id).using_db(conn).update(**fields)
            registration = await Registration.filter(id=existing.id).using_db(conn).get()
        else:
            registration = await Registration.create(
                brand_id=brand_id,
                event_id=event.id,
                member_id=member_id,
                ticket_code=codes.new(TICKET_PREFIX, 10),
                using_db=conn,
                **fields,
            )
        # Credited to the inviting guide if there is one, else to the guide the member is bound to.
        await touches.record(
            brand_id=brand_id,
            member_id=member_id,
            kind=TouchKind.EVENT_SIGN_UP,
            at=now,
            guide_id=invited_by,
            attribute=invited_by is None,
            event_ref=f"event:{event.id}",
            source=f"signup:{registration.id}:{int(now.timestamp())}",
            conn=conn,
        )
        await _reached(on_step, conn, event, member_id, invited_by, now)
        return registration


async def _admitted(
    *, brand_id: int, event_id: int, member_id: int, answers: dict[str, Any], now: datetime
) -> tuple[Event, dict[str, Any]]:
    """The event, if this member may sign up for it now, and the answers kept."""
    event = await events_service.get(brand_id=brand_id, event_id=event_id)
    _check_open(event, now)
    member = await members.get(brand_id=brand_id, member_id=member_id)
    if member.registered_at is None:
        raise EventError(Code.MEMBER_NOT_REGISTERED, "Please register as a member first.")
    if not await events_service.in_audience(event, member_id=member_id, now=now):
        raise EventError(Code.NOT_IN_AUDIENCE, "This event is not open to you.", "event_id")
    return event, check_answers(event.questions, answers)


async def _invited_by(event_id: int, member_id: int) -> int | None:
    """The guide whose invitation to the event came last, if any: the sign-up is credited to them."""
    invitation = await Invitation.filter(event_id=event_id, member_id=member_id).order_by("-invited_at", "-id").first()
    return invitation.guide_id if invitation else None


async def _reached(
    on_step: StepReached, conn: BaseDBAsyncClient, event: Event, member_id: int, invited_by: int | None, now: datetime
) -> None:
    """The sign-up step, credited to the inviting guide if any: rewarded once per member and event,
    however often they sign up again."""
    await on_step(
        conn,
        brand_id=event.brand_id,
        member_id=member_id,
        step=EventStep.SIGN_UP,
        key=f"signup:{event.id}:{member_id}",
        now=now,
        guide_id=invited_by,
    )


async def cancel(*, brand_id: int, event_id: int, member_id: int, now: datetime) -> Cancelled:
    """The member gives up their place (or leaves the waitlist) before the event's deadline; a freed
    place goes to the first waiting member. Raises REGISTRATION_NOT_FOUND or CANCEL_DEADLINE_PASSED."""
    event = await events_service.get(brand_id=brand_id, event_id=event_id)
    if now >= event.cancel_deadline:
        raise EventError(
            Code.CANCEL_DEADLINE_PASSED, "It is too late to cancel; please tell the organiser.", "event_id"
        )
    async with in_transaction() as conn:
        locked = await _lock(conn, event.id)
        registration = await Registration.filter(event_id=event.id, member_id=member_id).using_db(conn).get_or_none()
        if registration is None or registration.status is RegistrationStatus.CANCELLED or registration.checked_in_at:
            raise EventError(Code.REGISTRATION_NOT_FOUND, "You are not signed up for this event.", "event_id")
        await (
            Registration.filter(id=registration.id)
            .using_db(conn)
            .update(status=RegistrationStatus.CANCELLED, cancelled_at=now)
        )
        promoted = None
        if registration.status is RegistrationStatus.CONFIRMED:
            await _count(conn, locked, seats=-1)
            promoted = await _promote(conn, locked, now)
        return Cancelled(
            registration=await Registration.filter(id=registration.id).using_db(conn).get(), promoted=promoted
        )


async def _promote(conn: BaseDBAsyncClient, event: Event, now: datetime) -> Registration | None:
    """Give a free place to the first on the waitlist (the event row is locked by the caller)."""
    if event.status is not EventStatus.PUBLISHED or now >= event.starts_at:
        return None
    first = (
        await Registration.filter(event_id=event.id, status=RegistrationStatus.WAITLISTED)
        .using_db(conn)
        .order_by("waitlist_position", "id")
        .first()
    )
    if first is None:
        return None
    await Registration.filter(id=first.id).using_db(conn).update(status=RegistrationStatus.CONFIRMED, confirmed_at=now)
    await _count(conn, event, seats=1)
    await outbox.enqueue(
        brand_id=event.brand_id,
        member_id=first.member_id,
        kind=MessageKind.WAITLIST_PROMOTED,
        params=notices.about(event),
        dedupe_key=f"promoted:{first.id}:{int(now.timestamp())}",
        now=now,
        conn=conn,
    )
    return await Registration.filter(id=first.id).using_db(conn).get()


async def _lock(conn: BaseDBAsyncClient, event_id: int) -> Event:
    return await Event.filter(id=event_id).select_for_update(no_key=True).using_db(conn).get()


async def _count(conn: BaseDBAsyncClient, event: Event, *, seats: int = 0, waitlist: int = 0) -> None:
    event.confirmed_count += seats
    event.waitlist_seq += waitlist
    await (
        Event.filter(id=event.id)
        .using_db(conn)
        .update(confirmed_count=event.confirmed_count, waitlist_seq=event.waitlist_seq)
    )


def _check_open(event: Event, now: datetime) -> None:
    if event.status is EventStatus.CANCELLED:
        raise _closed(Code.EVENT_CANCELLED)
    if event.status is not EventStatus.PUBLISHED or not event.signup_opens_at <= now < event.signup_closes_at:
        raise _closed(Code.EVENT_NOT_OPEN)


def _closed(why: str) -> EventError:
    if why == Code.EVENT_CANCELLED:
        return EventError(Code.EVENT_CANCELLED, "This event was cancelled.", "event_id")
    return EventError(Code.EVENT_NOT_OPEN, "Sign-up for this event is not open.", "event_id")
