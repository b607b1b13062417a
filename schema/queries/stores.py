from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.services import stores
from schema import ids
from schema.arguments import After, First
from schema.errors import null_when_refused
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsSignedIn, require_caller
from schema.types.store import Store


@strawberry.type
class StoreQueries:
    @strawberry.field(permission_classes=[IsSignedIn], description="The brand's stores, oldest first.")
    async def stores(self, info: Info, first: First = DEFAULT_PAGE, after: After = None) -> Connection[Store] | None:
        caller = require_caller(info)
        return await paginate(stores.query(brand_id=caller.brand_id), first=first, after=after, to_node=Store.of)

    @strawberry.field(permission_classes=[IsSignedIn], description="One store of the caller's brand, or null.")
    @null_when_refused
    async def store(self, info: Info, id: strawberry.ID) -> Store | None:
        caller = require_caller(info)
        return Store.of(await stores.get(brand_id=caller.brand_id, store_id=ids.decode(id, "Store")))
