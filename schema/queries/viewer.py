from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.permissions import IsSignedIn, require_caller
from schema.types.viewer import Viewer


@strawberry.type
class ViewerQueries:
    @strawberry.field(permission_classes=[IsSignedIn], description="The signed-in caller.")
    def me(self, info: Info) -> Viewer | None:
        return Viewer(caller=require_caller(info))
