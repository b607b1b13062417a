from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import stores
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.store import CreateStoreInput, Store


@strawberry.type(description="The store added, or why it was refused.")
class CreateStorePayload:
    store: Store | None = strawberry.field(default=None, description="The store; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class StoreMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="HQ opens a store.")
    @mutation_payload
    async def create_store(
        self, info: Info, input: Annotated[CreateStoreInput, strawberry.argument(description="The store.")]
    ) -> CreateStorePayload | None:
        caller = require_caller(info)
        row = await stores.create(brand_id=caller.brand_id, code=input.code, name=input.name, city=input.city)
        return CreateStorePayload(store=Store.of(row))
