"""Item codes: HQ creates and withdraws batches; members claim codes."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalty.services import batches, claims
from schema import ids
from schema.errors import UserError, mutation_payload
from schema.permissions import IsConsumer, IsHQ, require_caller
from schema.types.loyalty import Claim, CodeBatch, CodeBatchInput


@strawberry.type
class CodeBatchPayload:
    batch: CodeBatch | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ClaimPayload:
    claim: Claim | None = None
    points_earned: int = 0
    points_balance: int | None = None
    replayed: bool = strawberry.field(default=False, description="True when this answers a retry of an earlier request.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LoyaltyMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="Create a batch of item codes for one SKU.")
    @mutation_payload
    async def create_code_batch(self, info: Info, input: CodeBatchInput) -> CodeBatchPayload | None:
        caller = require_caller(info)
        row = await batches.create(
            brand_id=caller.brand_id, key_id=info.context.settings.item_keyring.current, sku=input.sku,
            product_name=input.product_name, quantity=input.quantity, price_cents=input.price_cents,
            points_per_item=input.points_per_item, region=input.region,
            store_id=ids.decode(input.store_id, "Store", field="storeId") if input.store_id else None,
        )
        return CodeBatchPayload(batch=CodeBatch(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Withdraw a batch: its unclaimed codes stop working.")
    @mutation_payload
    async def revoke_code_batch(self, info: Info, id: strawberry.ID) -> CodeBatchPayload | None:
        caller = require_caller(info)
        row = await batches.revoke(brand_id=caller.brand_id, batch_id=ids.decode(id, "CodeBatch"), now=info.context.now())
        return CodeBatchPayload(batch=CodeBatch(row=row))

    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Claim the code on a product. Send an idempotency key: a retried request returns the first result.",
    )
    @mutation_payload
    async def claim_item_code(
        self, info: Info, code: str, idempotency_key: str | None = None, city: str | None = None
    ) -> ClaimPayload | None:
        caller = require_caller(info)
        result = await claims.claim(
            keyring=info.context.settings.item_keyring, brand_id=caller.brand_id, member_id=caller.member_id,
            code=code, now=info.context.now(), idempotency_key=idempotency_key, city=city,
        )
        return ClaimPayload(
            claim=Claim(row=result.claim, batch=result.batch), points_earned=result.points_earned,
            points_balance=result.balance, replayed=result.replayed,
        )
