"""Interactions during an event: staff ask and draw, checked-in members answer."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from events.models import InteractionKind
from events.services import interactions
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, IsStoreStaff, require_caller, store_scope
from schema.types.interaction import EventInteraction, InteractionInput


@strawberry.type(description="An interaction as a mutation left it, or why it was refused.")
class InteractionPayload:
    interaction: EventInteraction | None = strawberry.field(
        default=None, description="The interaction as it now is; null when refused."
    )
    errors: list[UserError] = refusals()


@strawberry.type(description="The result of answering a poll or quiz.")
class AnswerPayload:
    correct: bool | None = strawberry.field(default=None, description="For a quiz: whether you got it right.")
    errors: list[UserError] = refusals()


@strawberry.type
class InteractionMutations:
    @strawberry.mutation(
        permission_classes=[IsStoreStaff], description="Ask a poll or quiz question, or set up a lucky draw."
    )
    @mutation_payload
    async def create_event_interaction(
        self,
        info: Info,
        event_id: strawberry.ID,
        input: Annotated[InteractionInput, strawberry.argument(description="What to ask or draw.")],
    ) -> InteractionPayload | None:
        caller = require_caller(info)
        row = await interactions.create(
            brand_id=caller.brand_id,
            event_id=ids.decode(event_id, "Event", field="eventId"),
            store_scope=store_scope(caller),
            kind=InteractionKind(input.kind.value),
            question=input.question,
            options=input.options,
            correct_option=input.correct_option,
            prize_count=input.prize_count,
            now=info.context.now(),
        )
        return InteractionPayload(interaction=EventInteraction(row=row, staff=True))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Stop taking answers.")
    @mutation_payload
    async def close_event_interaction(self, info: Info, id: strawberry.ID) -> InteractionPayload | None:
        caller = require_caller(info)
        row = await interactions.close(
            brand_id=caller.brand_id,
            interaction_id=ids.decode(id, "Interaction"),
            store_scope=store_scope(caller),
            now=info.context.now(),
        )
        return InteractionPayload(interaction=EventInteraction(row=row, staff=True))

    @strawberry.mutation(
        permission_classes=[IsStoreStaff], description="Draw the winners among those checked in, once."
    )
    @mutation_payload
    async def draw_event_interaction(self, info: Info, id: strawberry.ID) -> InteractionPayload | None:
        caller = require_caller(info)
        row = await interactions.draw(
            brand_id=caller.brand_id,
            interaction_id=ids.decode(id, "Interaction"),
            store_scope=store_scope(caller),
            now=info.context.now(),
        )
        return InteractionPayload(interaction=EventInteraction(row=row, staff=True))

    @strawberry.mutation(
        permission_classes=[IsConsumer], description="Answer a poll or quiz question (checked-in members, once)."
    )
    @mutation_payload
    async def answer_event_interaction(
        self,
        info: Info,
        id: strawberry.ID,
        option: Annotated[int, strawberry.argument(description="Index of the chosen option, from 0.")],
    ) -> AnswerPayload | None:
        caller = require_caller(info)
        row = await interactions.answer(
            brand_id=caller.brand_id,
            interaction_id=ids.decode(id, "Interaction"),
            member_id=caller.member_id,
            option=option,
            now=info.context.now(),
            on_step=info.context.on_event_step,
        )
        return AnswerPayload(correct=row.correct)
