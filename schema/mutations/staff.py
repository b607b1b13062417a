"""HQ manages store managers' accounts: create, new password, deactivate, reactivate, sign out."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from access import staff
from access.models import StaffRole
from referral.services import stores
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.staff import StaffAccount

Password = Annotated[str, strawberry.argument(description="At least 10 characters; never shown again.")]


@strawberry.type(description="The account as it is after the change, or why it was refused.")
class StaffAccountPayload:
    account: StaffAccount | None = strawberry.field(default=None, description="The staff account; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class StaffMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="Open an account for a store's manager.")
    @mutation_payload
    async def create_store_manager_account(
        self, info: Info, store_id: strawberry.ID, username: str, password: Password
    ) -> StaffAccountPayload | None:
        caller = require_caller(info)
        store = await stores.get(brand_id=caller.brand_id, store_id=ids.decode(store_id, "Store", field="storeId"))
        row = await staff.checked(
            staff.create(
                brand_id=caller.brand_id,
                username=username,
                password=password,
                role=StaffRole.STORE_MANAGER,
                store_id=store.id,
            )
        )
        return StaffAccountPayload(account=StaffAccount(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Set a new password; every open session ends.")
    @mutation_payload
    async def set_staff_password(
        self, info: Info, staff_id: strawberry.ID, password: Password
    ) -> StaffAccountPayload | None:
        account = await _managed(info, staff_id)
        return StaffAccountPayload(
            account=StaffAccount(row=await staff.checked(staff.set_password(account=account, password=password)))
        )

    @strawberry.mutation(permission_classes=[IsHQ], description="No more sign-in; every open session ends.")
    @mutation_payload
    async def deactivate_staff_account(self, info: Info, staff_id: strawberry.ID) -> StaffAccountPayload | None:
        return StaffAccountPayload(
            account=StaffAccount(row=await staff.deactivate(account=await _managed(info, staff_id)))
        )

    @strawberry.mutation(permission_classes=[IsHQ], description="Allow signing in again.")
    @mutation_payload
    async def reactivate_staff_account(self, info: Info, staff_id: strawberry.ID) -> StaffAccountPayload | None:
        return StaffAccountPayload(
            account=StaffAccount(row=await staff.reactivate(account=await _managed(info, staff_id)))
        )

    @strawberry.mutation(permission_classes=[IsHQ], description="Sign the person out everywhere.")
    @mutation_payload
    async def revoke_staff_sessions(self, info: Info, staff_id: strawberry.ID) -> StaffAccountPayload | None:
        return StaffAccountPayload(
            account=StaffAccount(row=await staff.revoke_sessions(account=await _managed(info, staff_id)))
        )


async def _managed(info: Info, staff_id: strawberry.ID) -> staff.StaffAccount:
    caller = require_caller(info)
    return await staff.store_manager(
        brand_id=caller.brand_id, staff_id=ids.decode(staff_id, "StaffAccount", field="staffId")
    )
