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
from schema.types.qr import QrFormat, QrImage

CouponKind = strawberry.enum(KindValue)
CouponStatus = strawberry.enum(StatusValue)


@strawberry.type
class CouponTemplate:
    row: strawberry.Private[TemplateModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("CouponTemplate", self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> CouponKind:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.kind

    @strawberry.field
    def valid_days(self) -> int:
        return self.row.valid_days

    @strawberry.field
    def total_limit(self) -> int | None:
        return self.row.total_limit

    @strawberry.field
    async def issued_count(self, info: Info) -> int:
        return await info.context.loaders.coupons_issued.load(self.row)

    @strawberry.field(description="Members may buy one for this many points (null: not for sale).")
    def points_price(self) -> int | None:
        return self.row.points_price


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

    @strawberry.field(description="12 characters; case, spaces and O/0, I/L/1 slips are forgiven when typed.")
    def code(self) -> str:
        return self.row.code

    @strawberry.field
    def status(self) -> CouponStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

    @strawberry.field
    def issued_at(self) -> datetime:
        return self.row.issued_at

    @strawberry.field
    def expires_at(self) -> datetime:
        return self.row.expires_at

    @strawberry.field
    def written_off_at(self) -> datetime | None:
        return self.row.written_off_at

    @strawberry.field(description="Points paid for it; given back if HQ cancels it.")
    def points_cost(self) -> int:
        return self.row.points_cost

    @strawberry.field(description="The QR a guide scans to use the coupon (it holds the code).")
    async def qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.code, qr.QrFormat(format.value))
