"""What HQ, store managers and guides read of segments."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from reach import segments as saved
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsServing, IsStoreStaff, require_caller, segment_scope
from schema.types.segment import Segment, SegmentCondition, SegmentPreview


@strawberry.type
class ReachQueries:
    @strawberry.field(
        permission_classes=[IsServing],
        description="Who these conditions select now (for the segment editor's live count): HQ from the brand, "
        "a store manager from their store, a guide from their own members.",
    )
    async def segment_preview(
        self,
        info: Info,
        condition: Annotated[SegmentCondition, strawberry.argument(description="The conditions.")],
        sample_size: Annotated[int, strawberry.argument(description="How many members to show, 0-50.")] = 10,
    ) -> SegmentPreview | None:
        caller = require_caller(info)
        wanted, scope, now = condition.to_domain(), segment_scope(caller), info.context.now()
        await saved.validate(brand_id=scope.brand_id, condition=wanted)
        return SegmentPreview(scope=scope, condition=wanted, now=now, sample_size=max(0, min(sample_size, 50)))

    @strawberry.field(permission_classes=[IsStoreStaff], description="The brand's saved segments, newest first.")
    async def segments(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Segment] | None:
        caller = require_caller(info)
        return await paginate(
            saved.listing(brand_id=caller.brand_id),
            first=first,
            after=after,
            to_node=lambda row: Segment(row=row),
            newest_first=True,
        )
