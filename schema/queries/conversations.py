"""What guides and HQ read of conversations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from reach import conversations
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsGuide, IsHQ, require_caller
from schema.types.conversation import Conversation


@strawberry.type
class ConversationQueries:
    @strawberry.field(permission_classes=[IsGuide], description="Your members' conversations, latest first.")
    async def my_conversations(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Conversation] | None:
        caller = require_caller(info)
        return await paginate(
            conversations.of_guide(brand_id=caller.brand_id, guide_id=caller.guide_id or 0),
            first=first,
            after=after,
            to_node=lambda row: Conversation(row=row),
            newest_first=True,
        )

    @strawberry.field(permission_classes=[IsHQ], description="The brand's conversations, newest first; search by text.")
    async def conversations(
        self,
        info: Info,
        search: Annotated[str | None, strawberry.argument(description="Words a message contains.")] = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> Connection[Conversation] | None:
        caller = require_caller(info)
        return await paginate(
            await conversations.search(brand_id=caller.brand_id, text=search),
            first=first,
            after=after,
            to_node=lambda row: Conversation(row=row),
            newest_first=True,
        )
