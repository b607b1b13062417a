from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import (
    Coupon as CouponModel,
    CouponKind as KindValue,
    CouponStatus as StatusValue,
    CouponTemplate as TemplateModel,
)
from referral import qr
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.money import Money, money
from schema.types.node import Node
from schema.types.qr import QrFormat, QrFormatArgument, QrImage

CouponKind = client_enum(
    KindValue,
    "What a coupon gives.",
    {KindValue.GIFT: "A free item (buy one, get one).", KindValue.DISCOUNT: "Money off a purchase, in minor units."},
)
CouponStatus = client_enum(
    StatusValue,
    "Where a coupon is in its life.",
    {
        StatusValue.ISSUED: "Held by the member and usable until it expires.",
        StatusValue.WRITTEN_OFF: "Used in a store; the guide who wrote it off is credited.",
        StatusValue.CANCELLED: "Withdrawn (for example when the claim that earned it was reversed).",
    },
)


@strawberry.type(description="A kind of coupon HQ defines; coupons are issued from it.")
class CouponTemplate(Node):
    row: strawberry.Private[TemplateModel]

    @strawberry.field(description="Global id of the template.")
    def id(self) -> strawberry.ID:
        return ids.encode("CouponTemplate", self.row.id)

    name = column(str, description="What members see.")
    kind = column(CouponKind, description="Gift or discount.")
    valid_days = column(int, description="How many days a coupon is usable after it is issued.")
    total_limit = column(int | None, description="How many coupons it may issue in all; null for no limit.")

    @strawberry.field(description="How many coupons it has issued.")
    async def issued_count(self, info: Info) -> int:
        return await info.context.loaders.coupons_issued.load(self.row)

    points_price = column(int | None, description="Members may buy one for this many points (null: not for sale).")

    @strawberry.field(description="What a discount takes off (0 for a gift).")
    async def value(self, info: Info) -> Money:
        return await money(info, self.row.value_cents)


@strawberry.input(description="A coupon template to create.")
class CouponTemplateInput:
    name: str
    kind: CouponKind = strawberry.field(description="Gift or discount.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    valid_days: int = strawberry.field(description="How many days a coupon is usable after it is issued.")
    value_cents: int = strawberry.field(
        default=0, description="A discount's value, in minor units of the brand's currency (0 for a gift)."
    )
    total_limit: int | None = strawberry.field(
        default=None, description="How many coupons it may issue in all; null for no limit."
    )
    per_member_limit: int = strawberry.field(default=1, description="How many one member may hold.")
    store_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    points_price: int | None = strawberry.field(
        default=None, description="Members may buy one for this many points; null: not for sale."
    )


@strawberry.type(description="A coupon held by a member; the guide scans its QR or types its code.")
class Coupon(Node):
    row: strawberry.Private[CouponModel]

    @strawberry.field(description="Global id of the coupon.")
    def id(self) -> strawberry.ID:
        return ids.encode("Coupon", self.row.id)

    code = column(str, description="12 characters; case, spaces and O/0, I/L/1 slips are forgiven when typed.")

    status = column(CouponStatus, description="Issued, written off or cancelled.")

    issued_at = column(datetime, description="When the member received it.")

    expires_at = column(datetime, description="When it stops being usable.")

    written_off_at = column(datetime | None, description="When a guide wrote it off; null if unused.")

    points_cost = column(int, description="Points paid for it; given back if HQ cancels it.")

    @strawberry.field(description="What the coupon is: its template's name, kind and value.")
    async def template(self, info: Info) -> CouponTemplate | None:
        row = await info.context.loaders.coupon_template.load(self.row.template_id)
        return CouponTemplate(row=row) if row is not None else None

    @strawberry.field(description="The QR a guide scans to use the coupon (it holds the code).")
    async def qr(self, info: Info, format: QrFormatArgument = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.code, qr.QrFormat(format.value))
