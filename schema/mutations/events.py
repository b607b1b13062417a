"""Events: staff run them, guides invite, members sign up and check in."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from events.errors import EventError, EventErrorCode
from events.models import Audience
from events.services import check_in, events, invitations, signups
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, IsGuide, IsStoreStaff, require_caller, store_scope
from schema.types.event import Event, EventInput, EventRegistration

CHECK_IN_KEY = "events/check-in"


@strawberry.type(description="The event a mutation created or changed, or why it was refused.")
class EventPayload:
    event: Event | None = strawberry.field(default=None, description="The event as it now is; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="A member's sign-up as a mutation left it, or why it was refused.")
class RegistrationPayload:
    registration: EventRegistration | None = strawberry.field(
        default=None, description="The sign-up as it now is; null when refused."
    )
    errors: list[UserError] = refusals()


@strawberry.type(description="How many members a guide invited to an event, or why it was refused.")
class InvitePayload:
    invited: int = strawberry.field(default=0, description="New invitations made (repeats are not counted).")
    errors: list[UserError] = refusals()


def _spec(input: EventInput) -> events.EventSpec:
    return events.EventSpec(
        title=input.title,
        starts_at=input.starts_at,
        ends_at=input.ends_at,
        capacity=input.capacity,
        signup_opens_at=input.signup_opens_at,
        signup_closes_at=input.signup_closes_at,
        cancel_deadline=input.cancel_deadline,
        description=input.description,
        cover_url=input.cover_url,
        place=input.place,
        online_url=input.online_url,
        check_in_opens_minutes=input.check_in_opens_minutes,
        allow_walk_ins=input.allow_walk_ins,
        audience=Audience(input.audience.value),
        audience_tag_id=ids.decode(input.audience_tag_id, "Tag", field="audienceTagId")
        if input.audience_tag_id
        else None,
        audience_store_id=(
            ids.decode(input.audience_store_id, "Store", field="audienceStoreId") if input.audience_store_id else None
        ),
        questions=[vars(q) for q in input.questions],
    )


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        permission_classes=[IsStoreStaff],
        description="Create a draft event. "
        "HQ may name the store that runs it; a store manager's events are their store's.",
    )
    @mutation_payload
    async def create_event(
        self,
        info: Info,
        input: Annotated[EventInput, strawberry.argument(description="The event's details.")],
        store_id: strawberry.ID | None = None,
    ) -> EventPayload | None:
        caller = require_caller(info)
        scope = store_scope(caller)
        wanted = ids.decode(store_id, "Store", field="storeId") if store_id else None
        if scope is not None and wanted not in (None, scope):
            raise EventError(EventErrorCode.EVENT_INVALID, "You can create events for your own store.", "storeId")
        row = await events.create(
            brand_id=caller.brand_id,
            store_id=scope if scope is not None else wanted,
            spec=_spec(input),
            now=info.context.now(),
        )
        return EventPayload(event=Event(row=row))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Change an event that is not cancelled.")
    @mutation_payload
    async def update_event(
        self,
        info: Info,
        id: strawberry.ID,
        input: Annotated[
            EventInput, strawberry.argument(description="The event's new details (every field; as for createEvent).")
        ],
    ) -> EventPayload | None:
        caller = require_caller(info)
        row = await events.update(
            brand_id=caller.brand_id,
            event_id=ids.decode(id, "Event"),
            store_scope=store_scope(caller),
            spec=_spec(input),
            now=info.context.now(),
        )
        return EventPayload(event=Event(row=row))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Members can see it and sign up.")
    @mutation_payload
    async def publish_event(self, info: Info, id: strawberry.ID) -> EventPayload | None:
        caller = require_caller(info)
        row = await events.publish(
            brand_id=caller.brand_id,
            event_id=ids.decode(id, "Event"),
            store_scope=store_scope(caller),
            now=info.context.now(),
        )
        return EventPayload(event=Event(row=row))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Call the event off.")
    @mutation_payload
    async def cancel_event(self, info: Info, id: strawberry.ID) -> EventPayload | None:
        caller = require_caller(info)
        row = await events.cancel(
            brand_id=caller.brand_id,
            event_id=ids.decode(id, "Event"),
            store_scope=store_scope(caller),
            now=info.context.now(),
        )
        return EventPayload(event=Event(row=row))

    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Sign up: confirmed if a place is free, else waitlisted. Answers are keyed by question key.",
    )
    @mutation_payload
    async def sign_up_for_event(
        self, info: Info, event_id: strawberry.ID, answers: JSON | None = None
    ) -> RegistrationPayload | None:
        caller = require_caller(info)
        if answers is not None and not isinstance(answers, dict):
            raise EventError(EventErrorCode.ANSWER_INVALID, "Answers are an object keyed by question.", "answers")
        row = await signups.sign_up(
            brand_id=caller.brand_id,
            event_id=ids.decode(event_id, "Event", field="eventId"),
            member_id=caller.member_id,
            answers=answers or {},
            now=info.context.now(),
            on_step=info.context.on_event_step,
        )
        return RegistrationPayload(registration=EventRegistration(row=row))

    @strawberry.mutation(permission_classes=[IsConsumer], description="Give up your place (or leave the waitlist).")
    @mutation_payload
    async def cancel_event_sign_up(self, info: Info, event_id: strawberry.ID) -> RegistrationPayload | None:
        caller = require_caller(info)
        done = await signups.cancel(
            brand_id=caller.brand_id,
            event_id=ids.decode(event_id, "Event", field="eventId"),
            member_id=caller.member_id,
            now=info.context.now(),
        )
        return RegistrationPayload(registration=EventRegistration(row=done.registration))

    @strawberry.mutation(
        permission_classes=[IsGuide], description="Invite members you serve: listed, or all with a tag."
    )
    @mutation_payload
    async def invite_to_event(
        self,
        info: Info,
        event_id: strawberry.ID,
        member_ids: list[strawberry.ID] | None = None,
        tag_id: strawberry.ID | None = None,
    ) -> InvitePayload | None:
        caller = require_caller(info)
        made = await invitations.invite(
            brand_id=caller.brand_id,
            event_id=ids.decode(event_id, "Event", field="eventId"),
            guide_id=caller.guide_id,
            member_ids=[ids.decode(m, "Member", field="memberIds") for m in member_ids or []],
            tag_id=ids.decode(tag_id, "Tag", field="tagId") if tag_id else None,
            now=info.context.now(),
        )
        return InvitePayload(invited=made)

    @strawberry.mutation(permission_classes=[IsConsumer], description="Check in with the code shown at the venue.")
    @mutation_payload
    async def check_in_at_event(self, info: Info, code: str) -> RegistrationPayload | None:
        caller = require_caller(info)
        row = await check_in.by_venue_code(
            key=info.context.settings.signing_key(CHECK_IN_KEY),
            brand_id=caller.brand_id,
            member_id=caller.member_id,
            code=code,
            now=info.context.now(),
            on_step=info.context.on_event_step,
        )
        return RegistrationPayload(registration=EventRegistration(row=row))

    @strawberry.mutation(permission_classes=[IsGuide], description="Check a member in by scanning their ticket.")
    @mutation_payload
    async def check_in_ticket(self, info: Info, ticket: str) -> RegistrationPayload | None:
        caller = require_caller(info)
        row = await check_in.by_ticket(
            brand_id=caller.brand_id,
            guide_id=caller.guide_id,
            ticket=ticket,
            now=info.context.now(),
            on_step=info.context.on_event_step,
        )
        return RegistrationPayload(registration=EventRegistration(row=row))
