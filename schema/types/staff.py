from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from access.models import StaffAccount as StaffAccountModel
from schema import ids
from schema.columns import column
from schema.types.node import Node
from schema.types.store import Store


@strawberry.type(description="A store manager's staff account (HQ accounts are managed with `scrm staff`).")
class StaffAccount(Node):
    row: strawberry.Private[StaffAccountModel]

    @strawberry.field(description="The account's ID, for setStaffPassword and the other account operations.")
    def id(self) -> strawberry.ID:
        return ids.encode("StaffAccount", self.row.id)

    username = column(str, description="The name the manager signs in with (signInStaff).")

    is_active = column(bool, description="False once deactivated: no sign-in, no session.")

    last_sign_in_at = column(datetime | None, description="The last successful sign-in; null if never.")

    @strawberry.field(description="The store the account manages.")
    async def store(self, info: Info) -> Store | None:
        if self.row.store_id is None:
            return None
        row = await info.context.loaders.store.load(self.row.store_id)
        return Store.of(row) if row else None
