from __future__ import annotations

from datetime import datetime

import strawberry

from referral.models import Store as StoreModel
from schema import ids
from schema.types.node import Node


@strawberry.type(description="A store of the brand, where guides work.")
class Store(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="The brand's own store code.")
    name: str = strawberry.field(description="The store's name.")
    city: str | None = strawberry.field(description="The store's city.")
    is_active: bool = strawberry.field(description="False once the store is closed.")
    created_at: datetime = strawberry.field(description="When it was added.")

    @strawberry.field(description="Global id of the store.")
    def id(self) -> strawberry.ID:
        return ids.encode("Store", self.pk)

    @classmethod
    def of(cls, row: StoreModel) -> Store:
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            city=row.city,
            is_active=row.is_active,
            created_at=row.created_at,
        )


@strawberry.input(description="A store to add.")
class CreateStoreInput:
    code: str = strawberry.field(description="The brand's own store code, unique within the brand.")
    name: str
    city: str | None = None
