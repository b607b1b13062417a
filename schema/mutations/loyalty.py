"""Item codes: HQ creates and withdraws batches; members claim codes."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import batches, claims, returns
from schema import ids
from schema.arguments import IdempotencyKey
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, IsHQ, require_caller
from schema.throttles import SCAN, throttled
from schema.types.campaign import Reward
from schema.types.coupon import Coupon
from schema.types.loyalty import Claim, CodeBatch, CodeBatchInput


@strawberry.type(description="A code batch as a mutation left it, or why it was refused.")
class CodeBatchPayload:
    batch: CodeBatch | None = strawberry.field(default=None, description="The batch; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="What claiming an item code gave, or why it was refused.")
class ClaimPayload:
    claim: Claim | None = strawberry.field(default=None, description="The claim; null when refused.")
    points_earned: int = strawberry.field(
        default=0, description="Points the item earned (campaign points are in rewards)."
    )
    points_balance: int | None = strawberry.field(default=None, description="The member's balance after the claim.")
    rewards: list[Reward] = strawberry.field(
        default_factory=list, description="Campaign rewards this claim earned you."
    )
    replayed: bool = strawberry.field(
        default=False, description="True when this answers a retry of an earlier request."
    )
    errors: list[UserError] = refusals()


@strawberry.type(description="What reversing a claim took back.")
class ReversalPayload:
    claim: Claim | None = strawberry.field(default=None, description="The reversed claim; null when refused.")
    points_taken: int = strawberry.field(default=0, description="Points taken back from balances.")
    debt_recorded: int = strawberry.field(default=0, description="Points the balances could not cover, now owed.")
    coupons_cancelled: list[Coupon] = strawberry.field(
        default_factory=list, description="Unused coupons the claim had earned, now cancelled."
    )
    coupons_already_used: list[Coupon] = strawberry.field(
        default_factory=list, description="Gifts already handed over in store: not taken back."
    )
    errors: list[UserError] = refusals()


@strawberry.type
class LoyaltyMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="Create a batch of item codes for one SKU.")
    @mutation_payload
    async def create_code_batch(
        self, info: Info, input: Annotated[CodeBatchInput, strawberry.argument(description="The production run.")]
    ) -> CodeBatchPayload | None:
        caller = require_caller(info)
        row = await batches.create(
            brand_id=caller.brand_id,
            key_id=info.context.settings.item_keyring.current,
            sku=input.sku,
            product_name=input.product_name,
            quantity=input.quantity,
            price_cents=input.price_cents,
            points_per_item=input.points_per_item,
            region=input.region,
            store_id=ids.decode(input.store_id, "Store", field="storeId") if input.store_id else None,
            product_line=input.product_line,
        )
        return CodeBatchPayload(batch=CodeBatch(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Withdraw a batch: its unclaimed codes stop working.")
    @mutation_payload
    async def revoke_code_batch(self, info: Info, id: strawberry.ID) -> CodeBatchPayload | None:
        caller = require_caller(info)
        row = await batches.revoke(
            brand_id=caller.brand_id, batch_id=ids.decode(id, "CodeBatch"), now=info.context.now()
        )
        return CodeBatchPayload(batch=CodeBatch(row=row))

    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Claim the code on a product. Send an idempotency key: a retried request returns the first result.",
    )
    @mutation_payload
    @throttled(SCAN)
    async def claim_item_code(
        self, info: Info, code: str, idempotency_key: IdempotencyKey = None, city: str | None = None
    ) -> ClaimPayload | None:
        caller = require_caller(info)
        result = await claims.claim(
            keyring=info.context.settings.item_keyring,
            brand_id=caller.brand_id,
            member_id=caller.member_id,
            code=code,
            now=info.context.now(),
            idempotency_key=idempotency_key,
            city=city,
        )
        return ClaimPayload(
            claim=Claim(row=result.claim, batch=result.batch),
            points_earned=result.points_earned,
            points_balance=result.balance,
            rewards=[Reward(granted=g) for g in result.rewards],
            replayed=result.replayed,
        )

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="A product came back: reverse its claim and every reward it caused, in one transaction.",
    )
    @mutation_payload
    async def reverse_claim(self, info: Info, claim_id: strawberry.ID, reason: str) -> ReversalPayload | None:
        caller = require_caller(info)
        done = await returns.reverse(
            brand_id=caller.brand_id,
            claim_id=ids.decode(claim_id, "Claim", field="claimId"),
            reason=reason,
            now=info.context.now(),
        )
        batch = await batches.get(brand_id=caller.brand_id, batch_id=done.claim.batch_id)
        return ReversalPayload(
            claim=Claim(row=done.claim, batch=batch),
            points_taken=done.points_taken,
            debt_recorded=done.debt_recorded,
            coupons_cancelled=[Coupon(row=c) for c in done.coupons_cancelled],
            coupons_already_used=[Coupon(row=c) for c in done.coupons_already_used],
        )
