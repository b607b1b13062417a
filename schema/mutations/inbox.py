"""A member marks their notices read."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import inbox
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, require_caller


@strawberry.type(description="How many notices are still unread, or why marking them was refused.")
class InboxPayload:
    unread_count: int | None = strawberry.field(default=None, description="Unread notices left; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class InboxMutations:
    @strawberry.mutation(permission_classes=[IsConsumer], description="Mark notices read: the ones named, or all.")
    @mutation_payload
    async def mark_inbox_read(
        self,
        info: Info,
        ids_: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(name="ids", description="Your notices' ids; leave out to mark every one read."),
        ] = None,
    ) -> InboxPayload | None:
        caller = require_caller(info)
        wanted = None if ids_ is None else [ids.decode(i, "InboxItem", field="ids") for i in ids_[:100]]
        left = await inbox.mark_read(
            brand_id=caller.brand_id, member_id=caller.member_id or 0, item_ids=wanted, now=info.context.now()
        )
        return InboxPayload(unread_count=left)
