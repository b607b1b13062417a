"""HQ reads its store managers' accounts."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from access import staff
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsHQ, require_caller
from schema.types.staff import StaffAccount


@strawberry.type
class StaffQueries:
    @strawberry.field(permission_classes=[IsHQ], description="The brand's store-manager accounts, oldest first.")
    async def staff_accounts(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[StaffAccount] | None:
        caller = require_caller(info)
        return await paginate(
            staff.store_managers(brand_id=caller.brand_id),
            first=first,
            after=after,
            to_node=lambda row: StaffAccount(row=row),
        )
