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
from schema.types.qr import QrFormat, QrImage

CouponKind = strawberry.enum(KindValue)
CouponStatus = strawberry.enum(StatusValue)


@strawberry.type
class CouponTemplate:
    row: strawberry.Private[TemplateModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("CouponTemplate", self.row.id)

    name = column(str)
    kind = column(CouponKind)
    valid_days = column(int)
    total_limit = column(int | None)

    @strawberry.field
    async def issued_count(self, info: Info) -> int:
        return await info.context.loaders.coupons_issued.load(self.row)

    points_price = column(int | None, description="Members may buy one for this many points (null: not for sale).")


@strawberry.input
class CouponTemplateInput:
    name: str
    kind: CouponKind  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    valid_days: int
    value_cents: int = 0
    total_limit: int | None = None
    per_member_limit: int = 1
    store_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    points_price: int | None = None


@strawberry.type(description="A coupon held by a member; the guide scans its QR or types its code.")
class Coupon:
    row: strawberry.Private[CouponModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Coupon", self.row.id)

    code = column(str, description="12 characters; case, spaces and O/0, I/L/1 slips are forgiven when typed.")

    status = column(CouponStatus)

    issued_at = column(datetime)

    expires_at = column(datetime)

    written_off_at = column(datetime | None)

    points_cost = column(int, description="Points paid for it; given back if HQ cancels it.")

    @strawberry.field(description="The QR a guide scans to use the coupon (it holds the code).")
    async def qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.code, qr.QrFormat(format.value))
