from __future__ import annotations

from datetime import datetime

import strawberry

from referral.models import Store as StoreModel
from schema import ids


@strawberry.type
class Store:
    pk: strawberry.Private[int]
    code: str
    name: str
    city: str | None
    is_active: bool
    created_at: datetime

    @strawberry.field
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


@strawberry.input
class CreateStoreInput:
    code: str = strawberry.field(description="The brand's own store code, unique within the brand.")
    name: str
    city: str | None = None
