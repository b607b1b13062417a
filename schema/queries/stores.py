from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.errors import ReferralError
from referral.services import stores
from schema import ids
from schema.errors import SchemaError, as_client_error
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsSignedIn, require_caller
from schema.types.store import Store


@strawberry.type
class StoreQueries:
    @strawberry.field(permission_classes=[IsSignedIn], description="The brand's stores, oldest first.")
    async def stores(self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[Store] | None:
        caller = require_caller(info)
        try:
            return await paginate(stores.query(brand_id=caller.brand_id), first=first, after=after, to_node=Store.of)
        except SchemaError as exc:
            raise as_client_error(exc) from None

    @strawberry.field(permission_classes=[IsSignedIn], description="One store of the caller's brand, or null.")
    async def store(self, info: Info, id: strawberry.ID) -> Store | None:
        caller = require_caller(info)
        try:
            row = await stores.get(brand_id=caller.brand_id, store_id=ids.decode(id, "Store"))
        except (SchemaError, ReferralError):
            return None
        return Store.of(row)
