"""HQ schedules, cancels and test-sends broadcasts."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty import idempotency
from reach import broadcasts
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.broadcast import Broadcast, BroadcastInput, Route, route_of


@strawberry.type(description="A scheduled or cancelled broadcast, or why the request was refused.")
class BroadcastPayload:
    broadcast: Broadcast | None = strawberry.field(default=None, description="The broadcast; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="Where a test send went, or why it was refused.")
class TestSendPayload:
    route: Route | None = strawberry.field(default=None, description="The way it went; null when refused.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    errors: list[UserError] = refusals()


@strawberry.type
class BroadcastMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Schedule a broadcast to a segment. Its audience is fixed when it is sent; a retry with the "
        "same idempotencyKey answers the first broadcast.",
    )
    @mutation_payload
    async def create_broadcast(
        self,
        info: Info,
        input: Annotated[BroadcastInput, strawberry.argument(description="What, to whom, when.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)] = None,
    ) -> BroadcastPayload | None:
        caller = require_caller(info)
        row = await broadcasts.create(
            brand_id=caller.brand_id,
            draft=input.to_domain(),
            created_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return BroadcastPayload(broadcast=Broadcast(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Cancel a broadcast that has not been sent yet.")
    @mutation_payload
    async def cancel_broadcast(
        self,
        info: Info,
        broadcast_id: Annotated[strawberry.ID, strawberry.argument(description="The broadcast.")],
    ) -> BroadcastPayload | None:
        caller = require_caller(info)
        row = await broadcasts.cancel(
            brand_id=caller.brand_id,
            broadcast_id=ids.decode(broadcast_id, "Broadcast", field="broadcastId"),
            now=info.context.now(),
        )
        return BroadcastPayload(broadcast=Broadcast(row=row))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Send the broadcast now to one member who agreed to marketing (HQ's own phone), marked "
        "[TEST]: no coupon, no audience, no caps or quiet hours.",
    )
    @mutation_payload
    async def send_test_broadcast(
        self,
        info: Info,
        broadcast_id: Annotated[strawberry.ID, strawberry.argument(description="The broadcast.")],
        member_id: Annotated[strawberry.ID, strawberry.argument(description="The member to send it to.")],
    ) -> TestSendPayload | None:
        caller = require_caller(info)
        channel = await broadcasts.send_test(
            brand_id=caller.brand_id,
            broadcast_id=ids.decode(broadcast_id, "Broadcast", field="broadcastId"),
            member_id=ids.decode(member_id, "Member", field="memberId"),
            now=info.context.now(),
        )
        return TestSendPayload(route=route_of(channel))
