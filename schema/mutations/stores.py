from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.services import stores
from schema.errors import UserError, mutation_payload
from schema.permissions import IsHQ, require_caller
from schema.types.store import CreateStoreInput, Store


@strawberry.type
class CreateStorePayload:
    store: Store | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StoreMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="HQ opens a store.")
    @mutation_payload
    async def create_store(self, info: Info, input: CreateStoreInput) -> CreateStorePayload | None:
        caller = require_caller(info)
        row = await stores.create(brand_id=caller.brand_id, code=input.code, name=input.name, city=input.city)
        return CreateStorePayload(store=Store.of(row))
