"""What HQ reads of imported orders: those waiting for their member, above all."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import order_imports
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsHQ, require_caller
from schema.types.imported_order import ImportedOrder


@strawberry.type
class OrderQueries:
    @strawberry.field(permission_classes=[IsHQ], description="The brand's imported orders, newest first.")
    async def imported_orders(
        self,
        info: Info,
        matched: Annotated[
            bool | None,
            strawberry.argument(description="True: matched to a member; false: waiting for one; null: all."),
        ] = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> Connection[ImportedOrder] | None:
        caller = require_caller(info)
        return await paginate(
            order_imports.listing(brand_id=caller.brand_id, matched=matched),
            first=first,
            after=after,
            to_node=lambda row: ImportedOrder(row=row),
            newest_first=True,
        )
