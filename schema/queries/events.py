"""What staff and members read of events."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from events.models import Event as EventModel
from events.services import check_in, events, interactions, reports, signups
from foundation.auth.caller import Caller, Role
from referral import qr
from schema import ids
from schema.arguments import After, First, From, To
from schema.errors import (
    ClientError,
    mutation_payload,
    null_when_refused,
    or_null,
)
from schema.mutations.events import CHECK_IN_KEY
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsConsumer, IsSignedIn, IsStoreStaff, require_caller, store_scope
from schema.reads import report
from schema.types.event import CheckInCode, Event, EventRegistration
from schema.types.event_report import EventDimension, EventFiguresRow
from schema.types.interaction import EventInteraction
from schema.types.qr import QrImage

_KEY_TYPE = {
    reports.EventDimension.EVENT: "Event",
    reports.EventDimension.STORE: "Store",
    reports.EventDimension.GUIDE: "Guide",
}


async def readable_event(info: Info, caller: Caller, event_id: int) -> EventModel:
    """The event if the caller may read it (events.readable's scope); raises EVENT_NOT_FOUND."""
    return await events.readable(
        brand_id=caller.brand_id,
        event_id=event_id,
        now=info.context.now(),
        store_scope=store_scope(caller),
        staff=caller.has(Role.HQ, Role.STORE_MANAGER),
        guide_store_id=caller.store_id if caller.has(Role.GUIDE) else None,
        member_id=caller.member_id,
    )


def is_event_staff(caller: Caller, event: EventModel) -> bool:
    """HQ, or the manager of the store that runs the event: they see answers and draw results."""
    return caller.has(Role.HQ, Role.STORE_MANAGER) and store_scope(caller) in (None, event.store_id)


@strawberry.type
class EventQueries:
    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Figures of events starting in [from, to); a store manager sees their store's events.",
    )
    @report
    async def event_attribution(
        self,
        info: Info,
        from_: From,
        to: To,
        by: Annotated[
            EventDimension, strawberry.argument(description="What the rows are: events, stores or inviting guides.")
        ],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        conversion_days: Annotated[
            int, strawberry.argument(description="How many days after an event a purchase counts as converted (1-365).")
        ] = 30,
    ) -> list[EventFiguresRow] | None:
        caller = require_caller(info)
        if not 1 <= conversion_days <= 365:
            raise ClientError("EVENT_INVALID", "conversionDays must be 1-365.")
        dimension = reports.EventDimension(by.value)
        rows = await reports.figures(
            brand_id=caller.brand_id,
            start=from_,
            end=to,
            by=dimension,
            now=info.context.now(),
            conversion_days=conversion_days,
            store_scope=store_scope(caller),
        )
        return [
            EventFiguresRow(
                key=ids.encode(_KEY_TYPE[dimension], r.key) if r.key is not None else None,
                sign_ups=r.sign_ups,
                confirmed=r.confirmed,
                waitlisted=r.waitlisted,
                cancelled=r.cancelled,
                checked_in=r.checked_in,
                no_shows=r.no_shows,
                converted=r.converted,
            )
            for r in rows
        ]

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="The brand's events (a store manager: theirs and HQ's), newest first.",
    )
    async def events(self, info: Info, first: First = DEFAULT_PAGE, after: After = None) -> Connection[Event] | None:
        caller = require_caller(info)
        return await paginate(
            events.listing(brand_id=caller.brand_id, store_scope=store_scope(caller)),
            first=first,
            after=after,
            to_node=lambda row: Event(row=row),
            newest_first=True,
        )

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="One event, in the scope of the lists: staff see theirs, "
        "guides their store's and HQ's published ones, members those open to them "
        "or that they signed up or were invited to.",
    )
    @null_when_refused
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        return Event(row=await readable_event(info, require_caller(info), ids.decode(id, "Event")))

    @strawberry.field(
        permission_classes=[IsConsumer], description="Events open to you that are not over, soonest first."
    )
    async def upcoming_events(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Event] | None:
        caller = require_caller(info)
        visible = await events.visible_to(brand_id=caller.brand_id, member_id=caller.member_id, now=info.context.now())
        return await paginate(visible, first=first, after=after, to_node=lambda row: Event(row=row))

    @strawberry.field(permission_classes=[IsConsumer], description="Your sign-ups, newest first.")
    async def my_event_registrations(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[EventRegistration] | None:
        caller = require_caller(info)
        return await paginate(
            signups.mine(brand_id=caller.brand_id, member_id=caller.member_id),
            first=first,
            after=after,
            to_node=lambda row: EventRegistration(row=row),
            newest_first=True,
        )

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Who signed up, in sign-up order; null for an event you do not run.",
    )
    async def event_registrations(
        self, info: Info, event_id: strawberry.ID, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[EventRegistration] | None:
        caller = require_caller(info)
        event = await or_null(
            lambda: events.get_managed(
                brand_id=caller.brand_id,
                event_id=ids.decode(event_id, "Event", field="eventId"),
                store_scope=store_scope(caller),
            )
        )
        if event is None:
            return None
        return await paginate(
            signups.of_event(event=event), first=first, after=after, to_node=lambda row: EventRegistration(row=row)
        )

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="An event's polls, quiz questions and draws: for its staff, and for members signed up for it.",
    )
    async def event_interactions(self, info: Info, event_id: strawberry.ID) -> list[EventInteraction] | None:
        caller = require_caller(info)
        event = await or_null(
            lambda: events.get(brand_id=caller.brand_id, event_id=ids.decode(event_id, "Event", field="eventId"))
        )
        if event is None:
            return None
        staff = is_event_staff(caller, event)
        rows = await interactions.visible(event=event, member_id=caller.member_id, staff=staff)
        return [EventInteraction(row=row, staff=staff) for row in rows]

    @strawberry.field(permission_classes=[IsStoreStaff], description="The code for the venue's check-in screen.")
    @mutation_payload
    async def event_check_in_code(self, info: Info, event_id: strawberry.ID) -> CheckInCode | None:
        caller = require_caller(info)
        event = await events.get_managed(
            brand_id=caller.brand_id,
            event_id=ids.decode(event_id, "Event", field="eventId"),
            store_scope=store_scope(caller),
        )
        code, expires = check_in.venue_code(info.context.settings.signing_key(CHECK_IN_KEY), event, info.context.now())
        return CheckInCode(code=code, expires_at=expires, qr=await QrImage.render(info, code, qr.QrFormat.PNG))
