from __future__ import annotations

import strawberry

from foundation.tenancy.models import Brand as BrandModel
from schema import ids
from schema.types.node import Node


@strawberry.type(description="The brand (tenant) the caller belongs to.")
class Brand(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="The brand's short name in URLs and sign-in (brandSlug).")
    name: str = strawberry.field(description="The brand's display name.")
    allowed_origins: list[str] = strawberry.field(
        description="Web origins whose pages may call the API from a browser (setAllowedOrigins)."
    )

    @strawberry.field(description="Global id of the brand.")
    def id(self) -> strawberry.ID:
        return ids.encode("Brand", self.pk)

    @classmethod
    def of(cls, row: BrandModel) -> Brand:
        return cls(pk=row.id, slug=row.slug, name=row.name, allowed_origins=list(row.allowed_origins or []))
