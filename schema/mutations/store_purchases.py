from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import store_purchases
from referral.errors import ReferralError, ReferralErrorCode
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsGuide, IsStoreStaff, report_store, require_caller
from schema.types.store_purchase import StorePurchase, StorePurchaseInput


@strawberry.type(description="The purchase as recorded, or why it was refused.")
class StorePurchasePayload:
    purchase: StorePurchase | None = strawberry.field(default=None, description="Null when refused.")
    replayed: bool = strawberry.field(
        default=False, description="True when this receipt was recorded before (a retry): nothing was added now."
    )
    errors: list[UserError] = refusals()


@strawberry.input(description="A till receipt whose goods came back.")
class ReturnStorePurchaseInput:
    receipt_number: str = strawberry.field(description="The receipt's number.")
    reason: str = strawberry.field(description="Why, 1-200 characters.")
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="The store that recorded it (HQ must name it; a store manager's own by default)."
    )


@strawberry.type(description="The purchase as returned, and the points taken back.")
class ReturnStorePurchasePayload:
    purchase: StorePurchase | None = strawberry.field(default=None, description="Null when refused.")
    points_taken: int = strawberry.field(default=0, description="Points taken from the member's balance.")
    debt_recorded: int = strawberry.field(
        default=0, description="Points the balance could not cover: a debt repaid from later earnings."
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

    @strawberry.mutation(
        permission_classes=[IsStoreStaff],
        description="Return a till purchase: its points taken back (debt where spent), its purchases reversed in "
        "every report. A second return changes nothing.",
    )
    @mutation_payload
    async def return_store_purchase(
        self, info: Info, input: Annotated[ReturnStorePurchaseInput, strawberry.argument(description="The return.")]
    ) -> ReturnStorePurchasePayload | None:
        caller = require_caller(info)
        asked = ids.decode(input.store_id, "Store", field="storeId") if input.store_id else None
        store_id = report_store(caller, asked)
        if store_id is None:
            raise ReferralError(ReferralErrorCode.STORE_NOT_FOUND, "Name the store that recorded it.", "storeId")
        done = await store_purchases.reverse(
            brand_id=caller.brand_id,
            store_id=store_id,
            receipt_number=input.receipt_number,
            reason=input.reason,
            now=info.context.now(),
        )
        return ReturnStorePurchasePayload(
            purchase=StorePurchase(row=done.purchase), points_taken=done.points_taken, debt_recorded=done.debt_recorded
        )
