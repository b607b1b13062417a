"""Tags HQ defines for its members."""

from __future__ import annotations

import strawberry

from schema.types.node import Node


@strawberry.type(description="A label HQ puts on members, for segments and event audiences.")
class Tag(Node):
    id: strawberry.ID = strawberry.field(description="Global id of the tag.")
    name: str = strawberry.field(description="The tag's name, unique within the brand.")
    description: str | None = strawberry.field(description="What the tag means, for HQ staff.")
