"""What a member reads of their in-app inbox, and what they may be pushed."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.services import inbox
from schema.arguments import After, First
from schema.mutations.consent import SubscribeCredit, credits_of
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsConsumer, require_caller
from schema.types.inbox import InboxItem


@strawberry.type
class InboxQueries:
    @strawberry.field(
        permission_classes=[IsConsumer],
        description="Your notices, newest first: every notice lands here, whether or not it was pushed.",
    )
    async def my_inbox(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[InboxItem] | None:
        caller = require_caller(info)
        return await paginate(
            inbox.of_member(brand_id=caller.brand_id, member_id=caller.member_id or 0),
            first=first,
            after=after,
            to_node=lambda row: InboxItem(row=row),
            newest_first=True,
        )

    @strawberry.field(permission_classes=[IsConsumer], description="How many of your notices are unread.")
    async def my_unread_count(self, info: Info) -> int | None:
        caller = require_caller(info)
        return await inbox.unread(brand_id=caller.brand_id, member_id=caller.member_id or 0)

    @strawberry.field(
        permission_classes=[IsConsumer],
        description="Your unused WeChat subscribe-message acceptances, per template.",
    )
    async def my_subscribe_credits(self, info: Info) -> list[SubscribeCredit] | None:
        return await credits_of(require_caller(info).member_id or 0)
