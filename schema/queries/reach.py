"""What HQ, store managers and guides read of segments."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation.auth.caller import Caller, Role
from reach import segments
from schema.permissions import IsServing, require_caller
from schema.types.member import Member
from schema.types.segment import SegmentCondition, SegmentPreview


def scope_of(caller: Caller) -> segments.Scope:
    """HQ selects from the brand, a store manager from their store, a guide from their own members."""
    if caller.has(Role.HQ):
        return segments.Scope(caller.brand_id)
    if caller.has(Role.STORE_MANAGER):
        return segments.Scope(caller.brand_id, store_id=caller.store_id)
    return segments.Scope(caller.brand_id, guide_id=caller.guide_id or 0)


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
        wanted, scope, now = condition.to_domain(), scope_of(caller), info.context.now()
        count = await segments.count(scope=scope, condition=wanted, now=now)
        sample = await segments.member_ids(scope=scope, condition=wanted, now=now, limit=max(0, min(sample_size, 50)))
        rows = await info.context.loaders.member.load_many(sample) if sample else []
        return SegmentPreview(count=count, sample=[Member(row=row) for row in rows if row is not None])
