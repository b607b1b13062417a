"""What HQ reads of broadcasts (one broadcast, with its report, through node(id:))."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from reach import broadcasts as sent
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsHQ, require_caller
from schema.types.broadcast import Broadcast


@strawberry.type
class BroadcastQueries:
    @strawberry.field(permission_classes=[IsHQ], description="The brand's broadcasts, newest first.")
    async def broadcasts(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Broadcast] | None:
        caller = require_caller(info)
        return await paginate(
            sent.listing(brand_id=caller.brand_id),
            first=first,
            after=after,
            to_node=lambda row: Broadcast(row=row),
            newest_first=True,
        )
