"""What HQ reads of journeys."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from reach import journeys
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsHQ, require_caller
from schema.types.journey import Journey


@strawberry.type
class JourneyQueries:
    @strawberry.field(permission_classes=[IsHQ], description="The brand's journeys, oldest first.")
    async def journeys(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Journey] | None:
        caller = require_caller(info)
        return await paginate(
            journeys.listing(brand_id=caller.brand_id),
            first=first,
            after=after,
            to_node=lambda row: Journey(row=row),
        )
