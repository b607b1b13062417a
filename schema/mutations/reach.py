"""HQ and store managers save segments."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from reach import segments
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsStoreStaff, require_caller, segment_scope
from schema.types.segment import Segment, SegmentCondition


@strawberry.type(description="A saved segment, or why it was refused.")
class SegmentPayload:
    segment: Segment | None = strawberry.field(default=None, description="The segment; null when refused.")
    count: int | None = strawberry.field(default=None, description="Members it selects now, in your scope.")
    errors: list[UserError] = refusals()


@strawberry.type
class ReachMutations:
    @strawberry.mutation(
        permission_classes=[IsStoreStaff],
        description="Save a segment (or, with segmentId, change one): a name and conditions, evaluated when used.",
    )
    @mutation_payload
    async def save_segment(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="1-80 characters, unique in the brand.")],
        condition: Annotated[SegmentCondition, strawberry.argument(description="The conditions.")],
        segment_id: Annotated[strawberry.ID | None, strawberry.argument(description="The segment to change.")] = None,
    ) -> SegmentPayload | None:
        caller = require_caller(info)
        wanted, now = condition.to_domain(), info.context.now()
        row = await segments.save(
            brand_id=caller.brand_id,
            name=name,
            condition=wanted,
            created_by=f"staff:{caller.staff_id}",
            now=now,
            segment_id=ids.decode(segment_id, "Segment", field="segmentId") if segment_id else None,
        )
        count = await segments.count(scope=segment_scope(caller), condition=wanted, now=now)
        return SegmentPayload(segment=Segment(row=row), count=count)
