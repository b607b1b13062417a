"""HQ saves journeys (definitions as data) and switches them on and off."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from reach import journeys
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.journey import Journey


@strawberry.type(description="The journey, or why the request was refused.")
class JourneyPayload:
    journey: Journey | None = strawberry.field(default=None, description="The journey; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class JourneyMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ],
        description='Save a journey (or, with journeyId, change one): {"trigger": {...}, "steps": [...]}. A coupon '
        "step names its template by name or id. Steps cannot change once members are in it.",
    )
    @mutation_payload
    async def save_journey(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="1-80 characters, unique in the brand.")],
        definition: Annotated[JSON, strawberry.argument(description="The trigger and steps.")],
        active: Annotated[bool, strawberry.argument(description="Start runs from now on.")] = True,
        journey_id: Annotated[strawberry.ID | None, strawberry.argument(description="The journey to change.")] = None,
    ) -> JourneyPayload | None:
        caller = require_caller(info)
        row = await journeys.save(
            brand_id=caller.brand_id,
            name=name,
            definition=definition,
            active=active,
            created_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
            journey_id=ids.decode(journey_id, "Journey", field="journeyId") if journey_id else None,
        )
        return JourneyPayload(journey=Journey(row=row))
