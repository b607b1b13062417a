"""The Node interface: every object with a global id, fetched again by `node(id:)`."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a global id; `node(id:)` fetches any of them again.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id: opaque, stable, the same in deep links and exports.")
