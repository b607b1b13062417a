from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import order_imports, order_returns
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.imported_order import ImportedOrder, ImportOrdersInput, OrderImportResult


@strawberry.type(description="What the import did, or why it was refused as a whole.")
class ImportOrdersPayload:
    result: OrderImportResult | None = strawberry.field(default=None, description="Null when refused.")
    errors: list[UserError] = refusals()


@strawberry.input(description="An imported order that came back.")
class ReturnImportedOrderInput:
    order_number: str = strawberry.field(description="The order's number.")
    reason: str = strawberry.field(description="Why, 1-200 characters.")


@strawberry.type(description="The order as returned, and the points taken back.")
class ReturnImportedOrderPayload:
    order: ImportedOrder | None = strawberry.field(default=None, description="Null when refused.")
    points_taken: int = strawberry.field(default=0, description="Points taken from the member's balance.")
    debt_recorded: int = strawberry.field(
        default=0, description="Points the balance could not cover: a debt repaid from later earnings."
    )
    errors: list[UserError] = refusals()


@strawberry.type
class OrderImportMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Import orders from tills and web shops: each order number once; matched to members by code, "
        "verified phone or unionid and credited like a till purchase; unmatched orders wait for their member.",
    )
    @mutation_payload
    async def import_orders(
        self, info: Info, input: Annotated[ImportOrdersInput, strawberry.argument(description="The orders.")]
    ) -> ImportOrdersPayload | None:
        caller = require_caller(info)
        order_imports.check_batch(len(input.orders))
        summary = await order_imports.run(
            brand_id=caller.brand_id,
            orders=[order.to_domain(n) for n, order in enumerate(input.orders)],
            now=info.context.now(),
            source="api",
            started_by=f"staff {caller.staff_id}" if caller.staff_id else "hq",
            all_or_nothing=input.all_or_nothing,
        )
        return ImportOrdersPayload(result=OrderImportResult.of(summary))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Return an imported order: its points taken back (debt where spent), its purchases reversed in "
        "every report. A second return changes nothing.",
    )
    @mutation_payload
    async def return_imported_order(
        self, info: Info, input: Annotated[ReturnImportedOrderInput, strawberry.argument(description="The return.")]
    ) -> ReturnImportedOrderPayload | None:
        caller = require_caller(info)
        done = await order_returns.reverse(
            brand_id=caller.brand_id, order_number=input.order_number, reason=input.reason, now=info.context.now()
        )
        return ReturnImportedOrderPayload(
            order=ImportedOrder(row=done.order), points_taken=done.points_taken, debt_recorded=done.debt_recorded
        )
