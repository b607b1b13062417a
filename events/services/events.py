"""Events: HQ or a store manager creates, edits, publishes and cancels them; members see the ones
meant for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from events.errors import EventError, EventErrorCode as Code
from events.models import Audience, Event, EventStatus, Invitation, Registration, RegistrationStatus
from events.services import notices
from events.services.questions import clean_questions
from foundation.rows import column
from referral.models import MemberTag, MessageKind, Store, Tag
from referral.services import outbox
from referral.services.attribution import guide_at

MAX_CAPACITY = 100_000


@dataclass(frozen=True)
class EventSpec:
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signup_opens_at: datetime | None = None  # default: when published
    signup_closes_at: datetime | None = None  # default: the start
    cancel_deadline: datetime | None = None  # default: a day before the start
    description: str = ""
    cover_url: str | None = None
    place: str | None = None
    online_url: str | None = None
    check_in_opens_minutes: int = 60
    allow_walk_ins: bool = False
    audience: Audience = Audience.ALL
    audience_tag_id: int | None = None
    audience_store_id: int | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)


def listing(*, brand_id: int, store_scope: int | None) -> QuerySet[Event]:
    """The brand's events; a store manager sees their store's and HQ's."""
    events = Event.filter(brand_id=brand_id)
    return events if store_scope is None else events.filter(Q(store_id=store_scope) | Q(store_id__isnull=True))


async def get(*, brand_id: int, event_id: int) -> Event:
    event = await Event.get_or_none(id=event_id, brand_id=brand_id)
    if event is None:
        raise EventError(Code.EVENT_NOT_FOUND, "No such event.", "event_id")
    return event


async def readable(
    *,
    brand_id: int,
    event_id: int,
    now: datetime,
    store_scope: int | None = None,
    staff: bool = False,
    guide_store_id: int | None = None,
    member_id: int | None = None,
) -> Event:
    """One event, in the scope the lists give: staff see listing()'s (HQ every event, a store manager
    their store's and HQ's); a guide the published events of their store and HQ's; a member the
    published ones whose audience includes them, or that they signed up or were invited to. Raises
    EVENT_NOT_FOUND otherwise: ids are sequential, so an id out of scope must look like no event."""
    event = await get(brand_id=brand_id, event_id=event_id)
    if staff and (store_scope is None or event.store_id in (None, store_scope)):
        return event
    if event.status is not EventStatus.DRAFT:
        if guide_store_id is not None and event.store_id in (None, guide_store_id):
            return event
        if member_id is not None and (
            await in_audience(event, member_id=member_id, now=now)
            or await Registration.exists(event_id=event.id, member_id=member_id)
            or await Invitation.exists(event_id=event.id, member_id=member_id)
        ):
            return event
    raise EventError(Code.EVENT_NOT_FOUND, "No such event.", "event_id")


async def get_managed(*, brand_id: int, event_id: int, store_scope: int | None) -> Event:
    """An event the caller may change: HQ any of the brand's, a store manager their store's."""
    event = await get(brand_id=brand_id, event_id=event_id)
    if store_scope is not None and event.store_id != store_scope:
        raise EventError(Code.EVENT_NOT_FOUND, "No such event.", "event_id")
    return event


async def create(*, brand_id: int, store_id: int | None, spec: EventSpec, now: datetime) -> Event:
    """A draft event; raises EVENT_INVALID naming the field."""
    values = await _validated(brand_id, spec, now)
    if store_id is not None and not await Store.exists(id=store_id, brand_id=brand_id):
        raise EventError(Code.EVENT_INVALID, "No such store.", "store_id")
    return await Event.create(brand_id=brand_id, store_id=store_id, **values)


async def update(*, brand_id: int, event_id: int, store_scope: int | None, spec: EventSpec, now: datetime) -> Event:
    """Change an event that is not cancelled. Capacity cannot drop below the confirmed places (the
    update is conditional on it, and a CHECK backs it)."""
    event = await get_managed(brand_id=brand_id, event_id=event_id, store_scope=store_scope)
    if event.status is EventStatus.CANCELLED:
        raise EventError(Code.EVENT_NOT_EDITABLE, "A cancelled event cannot be changed.", "event_id")
    values = await _validated(brand_id, spec, now, published_at=event.published_at)
    changed = await Event.filter(
        id=event.id, confirmed_count__lte=spec.capacity, status__not=EventStatus.CANCELLED
    ).update(**values)
    if not changed:
        raise EventError(Code.EVENT_INVALID, "More members are confirmed than that capacity.", "capacity")
    return await Event.get(id=event.id)


async def publish(*, brand_id: int, event_id: int, store_scope: int | None, now: datetime) -> Event:
    """Members can see it and sign up; publishing twice is harmless."""
    event = await get_managed(brand_id=brand_id, event_id=event_id, store_scope=store_scope)
    if event.status is EventStatus.CANCELLED:
        raise EventError(Code.EVENT_CANCELLED, "This event was cancelled.", "event_id")
    await Event.filter(id=event.id, status=EventStatus.DRAFT).update(status=EventStatus.PUBLISHED, published_at=now)
    return await Event.get(id=event.id)


async def cancel(*, brand_id: int, event_id: int, store_scope: int | None, now: datetime) -> Event:
    """Call it off. Sign-ups stay on record; everyone signed up or waiting is told, through the
    outbox, in the same transaction (cancelling twice tells nobody twice)."""
    event = await get_managed(brand_id=brand_id, event_id=event_id, store_scope=store_scope)
    async with in_transaction() as conn:
        changed = (
            await Event.filter(id=event.id)
            .exclude(status=EventStatus.CANCELLED)
            .using_db(conn)
            .update(status=EventStatus.CANCELLED, cancelled_at=now)
        )
        if changed:
            told = await column(
                Registration.filter(
                    event_id=event.id, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
                ).using_db(conn),
                "member_id",
            )
            for member_id in told:
                await outbox.enqueue(
                    brand_id=brand_id,
                    member_id=member_id,
                    kind=MessageKind.EVENT_CANCELLED,
                    params=notices.about(event),
                    dedupe_key=f"event-cancelled:{event.id}:{member_id}",
                    now=now,
                    conn=conn,
                )
    return await Event.get(id=event.id)


async def visible_to(*, brand_id: int, member_id: int, now: datetime) -> QuerySet[Event]:
    """Published events not yet over whose audience includes the member."""
    tag_ids = await MemberTag.filter(member_id=member_id).values_list("tag_id", flat=True)
    bound = await guide_at(brand_id=brand_id, member_id=member_id, at=now)
    audience = Q(audience=Audience.ALL) | Q(audience=Audience.TAG, audience_tag_id__in=list(tag_ids) or [0])
    if bound is not None:
        audience |= Q(audience=Audience.STORE, audience_store_id=bound[1])
    return Event.filter(audience, brand_id=brand_id, status=EventStatus.PUBLISHED, ends_at__gt=now)


async def in_audience(event: Event, *, member_id: int, now: datetime) -> bool:
    if event.audience is Audience.ALL:
        return True
    if event.audience is Audience.TAG:
        return await MemberTag.exists(member_id=member_id, tag_id=event.audience_tag_id)
    bound = await guide_at(brand_id=event.brand_id, member_id=member_id, at=now)
    return bound is not None and bound[1] == event.audience_store_id


async def _validated(
    brand_id: int, spec: EventSpec, now: datetime, published_at: datetime | None = None
) -> dict[str, Any]:
    title = spec.title.strip()
    opens = spec.signup_opens_at or published_at or now
    closes = spec.signup_closes_at or spec.starts_at
    deadline = spec.cancel_deadline or spec.starts_at - timedelta(days=1)
    checks = [
        (1 <= len(title) <= 80, "title", "A title of 1-80 characters."),
        (len(spec.description) <= 5000, "description", "Up to 5,000 characters."),
        (spec.ends_at > spec.starts_at, "ends_at", "The event must end after it starts."),
        (1 <= spec.capacity <= MAX_CAPACITY, "capacity", f"Capacity: 1 to {MAX_CAPACITY:,}."),
        (opens < closes <= spec.ends_at, "signup_closes_at", "Sign-up must open before it closes, by the end."),
        (deadline <= spec.ends_at, "cancel_deadline", "Cancelling must close by the end of the event."),
        (0 <= spec.check_in_opens_minutes <= 24 * 60, "check_in_opens_minutes", "0 to 1,440 minutes."),
        (spec.place or spec.online_url, "place", "Give a place, an online link, or both."),
        (
            all(u is None or u.startswith("https://") and len(u) <= 300 for u in (spec.cover_url, spec.online_url)),
            "cover_url",
            "Links must be https:// addresses.",
        ),
        (
            (spec.audience is Audience.TAG) == (spec.audience_tag_id is not None),
            "audience_tag_id",
            "A tag audience names a tag.",
        ),
        (
            (spec.audience is Audience.STORE) == (spec.audience_store_id is not None),
            "audience_store_id",
            "A store audience names a store.",
        ),
    ]
    for ok, name, message in checks:
        if not ok:
            raise EventError(Code.EVENT_INVALID, message, name)
    if spec.audience_tag_id is not None and not await Tag.exists(id=spec.audience_tag_id, brand_id=brand_id):
        raise EventError(Code.EVENT_INVALID, "No such tag.", "audience_tag_id")
    if spec.audience_store_id is not None and not await Store.exists(id=spec.audience_store_id, brand_id=brand_id):
        raise EventError(Code.EVENT_INVALID, "No such store.", "audience_store_id")
    return dict(
        title=title,
        description=spec.description,
        cover_url=spec.cover_url,
        place=(spec.place or "").strip() or None,
        online_url=spec.online_url,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        signup_opens_at=opens,
        signup_closes_at=closes,
        cancel_deadline=deadline,
        check_in_opens_minutes=spec.check_in_opens_minutes,
        capacity=spec.capacity,
        allow_walk_ins=spec.allow_walk_ins,
        audience=spec.audience,
        audience_tag_id=spec.audience_tag_id,
        audience_store_id=spec.audience_store_id,
        questions=clean_questions(spec.questions),
    )
