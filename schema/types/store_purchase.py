"""A purchase rung up at a store's till, as a guide records it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import StorePurchase as StorePurchaseModel
from loyalty.services.store_purchases import Line
from schema.columns import column
from schema.types.member import Member
from schema.types.money import Money, money


@strawberry.input(description="One line of a receipt.")
class StorePurchaseLineInput:
    sku: str = strawberry.field(description="The product's SKU (as on its code batches).")
    quantity: int = strawberry.field(default=1, description="How many, 1-20.")
    price: int = strawberry.field(description="The price of one, in the currency's minor unit (29900: 299.00 CNY).")

    def to_domain(self) -> Line:
        return Line(sku=self.sku.strip(), quantity=self.quantity, price_cents=self.price)


@strawberry.input(description="A till receipt for a member: the member's code, or the last four digits of their phone.")
class StorePurchaseInput:
    receipt_number: str = strawberry.field(description="The till's receipt number: recorded once per store.")
    items: list[StorePurchaseLineInput] = strawberry.field(description="The receipt's lines, 1-20.")
    member_code: str | None = strawberry.field(default=None, description="The member's code, as their QR shows it.")
    phone_last4: str | None = strawberry.field(
        default=None, description="Else the last four digits of their phone (among your store's members)."
    )


@strawberry.type(description="A purchase at a store's till, recorded by a guide.")
class StorePurchase:
    row: strawberry.Private[StorePurchaseModel]

    receipt_number = column(str, description="The till's receipt number.")
    points = column(int, description="Points it earned the member.")
    purchased_at = column(datetime, description="When it was recorded.")
    returned_at = column(datetime | None, description="When its goods came back; null if they did not.")

    @strawberry.field(description="The receipt's total.")
    async def total(self, info: Info) -> Money:
        return await money(info, self.row.total_cents)

    @strawberry.field(description="The member it was recorded for.")
    async def member(self, info: Info) -> Member | None:
        row = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=row) if row else None
