"""Tags HQ defines for its members."""

from __future__ import annotations

import strawberry


@strawberry.type
class Tag:
    id: strawberry.ID
    name: str
    description: str | None
