"""Orders imported from tills and web shops, and what an import did."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import ImportedOrder as ImportedOrderModel
from loyalty.services.order_imports import OrderIn, OrderLine, Rejection, Summary
from schema.columns import column
from schema.types.member import Member
from schema.types.money import Money, money


@strawberry.input(description="One line of an order.")
class OrderItemInput:
    sku: str = strawberry.field(description="The product's SKU (as on its code batches).")
    quantity: int = strawberry.field(default=1, description="How many, 1-999.")
    price: int = strawberry.field(description="The price of one, in the currency's minor unit (29900: 299.00 CNY).")


@strawberry.input(description="An order from a till or a web shop; one of memberCode, phone, unionid finds its member.")
class OrderInput:
    order_number: str = strawberry.field(description="The order's number: imported once per brand.")
    ordered_at: datetime = strawberry.field(description="When it was placed.")
    items: list[OrderItemInput] = strawberry.field(description="Its lines, 1-100.")
    store_code: str | None = strawberry.field(default=None, description="The store that sold it (none: online).")
    channel: str | None = strawberry.field(default=None, description="Where it was sold, free text (tmall, till).")
    member_code: str | None = strawberry.field(default=None, description="The member's code.")
    phone: str | None = strawberry.field(
        default=None, description="A phone number (with its country code): matches a member who verified it."
    )
    unionid: str | None = strawberry.field(default=None, description="The buyer's WeChat unionid.")

    def to_domain(self, index: int) -> OrderIn:
        return OrderIn(
            ref=index,
            order_number=self.order_number,
            ordered_at=self.ordered_at,
            lines=[OrderLine(sku=i.sku.strip(), quantity=i.quantity, price_cents=i.price) for i in self.items],
            store_code=self.store_code,
            channel=self.channel,
            member_code=self.member_code,
            phone=self.phone,
            unionid=self.unionid,
        )


@strawberry.input(description="Orders to import.")
class ImportOrdersInput:
    orders: list[OrderInput] = strawberry.field(description="1-500 orders.")
    all_or_nothing: bool = strawberry.field(
        default=False, description="Import none if any is refused (else the others are imported)."
    )


@strawberry.type(description="An order the import refused, and why.")
class OrderRejection:
    index: int = strawberry.field(description="Its position in `orders` (from 0).")
    code: str = strawberry.field(description="ORDER_INVALID, SKU_UNKNOWN, STORE_UNKNOWN or PHONE_INVALID.")
    message: str = strawberry.field(description="The reason, fit to show.")

    @classmethod
    def of(cls, rejection: Rejection) -> OrderRejection:
        return cls(index=rejection.ref, code=str(rejection.code.value), message=rejection.message)


@strawberry.type(description="What an import did.")
class OrderImportResult:
    imported: int = strawberry.field(description="Orders new to the brand, now kept.")
    duplicates: int = strawberry.field(description="Orders whose number was imported before: nothing changed.")
    matched: int = strawberry.field(description="Of the imported, those matched to a member and credited.")
    unmatched: int = strawberry.field(description="Of the imported, those waiting for their member to appear.")
    matched_earlier: int = strawberry.field(
        description="Orders of earlier imports whose member appeared since, matched and credited now."
    )
    rejected: list[OrderRejection] = strawberry.field(description="Orders refused, with the reason.")

    @classmethod
    def of(cls, s: Summary) -> OrderImportResult:
        return cls(
            imported=s.imported,
            duplicates=s.duplicates,
            matched=s.matched,
            unmatched=s.unmatched,
            matched_earlier=s.matched_earlier,
            rejected=[OrderRejection.of(r) for r in s.rejected],
        )


@strawberry.type(description="An order imported from a till or a web shop.")
class ImportedOrder:
    row: strawberry.Private[ImportedOrderModel]

    order_number = column(str, description="The order's number.")
    channel = column(str | None, description="Where it was sold, as imported.")
    ordered_at = column(datetime, description="When it was placed.")
    points = column(int, description="Points it earned its member (0 until matched).")
    matched_at = column(datetime | None, description="When its member was found; null while it waits.")
    returned_at = column(datetime | None, description="When it was returned; null if it was not.")

    @strawberry.field(description="The order's total.")
    async def total(self, info: Info) -> Money:
        return await money(info, self.row.total_cents)

    @strawberry.field(description="The member it was matched to; null while it waits.")
    async def member(self, info: Info) -> Member | None:
        if self.row.member_id is None:
            return None
        row = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=row) if row else None
