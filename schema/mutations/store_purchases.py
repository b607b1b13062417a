from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import store_purchases
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsGuide, require_caller
from schema.types.store_purchase import StorePurchase, StorePurchaseInput


@strawberry.type(description="The purchase as recorded, or why it was refused.")
class StorePurchasePayload:
    purchase: StorePurchase | None = strawberry.field(default=None, description="Null when refused.")
    replayed: bool = strawberry.field(
        default=False, description="True when this receipt was recorded before (a retry): nothing was added now."
    )
    errors: list[UserError] = refusals()


@strawberry.type
class StorePurchaseMutations:
    @strawberry.mutation(
        permission_classes=[IsGuide],
        description="Record a till purchase for a member of your store: points by the brand's rule, one purchase "
        "per item credited to the member's guide, in every report like a scanned can. A receipt number counts once.",
    )
    @mutation_payload
    async def record_store_purchase(
        self, info: Info, input: Annotated[StorePurchaseInput, strawberry.argument(description="The receipt.")]
    ) -> StorePurchasePayload | None:
        caller = require_caller(info)
        done = await store_purchases.record(
            brand_id=caller.brand_id,
            guide_id=caller.guide_id or 0,
            receipt_number=input.receipt_number,
            lines=[line.to_domain() for line in input.items],
            now=info.context.now(),
            member_code=input.member_code,
            phone_last4=input.phone_last4,
        )
        return StorePurchasePayload(purchase=StorePurchase(row=done.purchase), replayed=done.replayed)
