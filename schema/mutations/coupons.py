"""Coupons: HQ defines and issues them, guides use them in store, members see theirs."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.models import CouponKind
from loyalty.services import coupons, write_offs
from schema import ids
from schema.arguments import IdempotencyKey
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, IsGuide, IsHQ, require_caller
from schema.throttles import WRITE_OFF, throttled
from schema.types.coupon import Coupon, CouponTemplate, CouponTemplateInput


@strawberry.type(description="A coupon template as a mutation left it, or why it was refused.")
class CouponTemplatePayload:
    template: CouponTemplate | None = strawberry.field(default=None, description="The template; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="A coupon as a mutation left it, or why it was refused.")
class CouponPayload:
    coupon: Coupon | None = strawberry.field(default=None, description="The coupon; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class CouponMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ], description="Define a coupon: gift or discount, validity, limits, stores."
    )
    @mutation_payload
    async def create_coupon_template(
        self, info: Info, input: Annotated[CouponTemplateInput, strawberry.argument(description="The template.")]
    ) -> CouponTemplatePayload | None:
        caller = require_caller(info)
        row = await coupons.create_template(
            brand_id=caller.brand_id,
            name=input.name,
            kind=CouponKind(input.kind.value),
            valid_days=input.valid_days,
            value_cents=input.value_cents,
            total_limit=input.total_limit,
            per_member_limit=input.per_member_limit,
            store_ids=[ids.decode(s, "Store", field="storeIds") for s in input.store_ids],
            points_price=input.points_price,
        )
        return CouponTemplatePayload(template=CouponTemplate(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Give a member a coupon. Send an idempotency key.")
    @mutation_payload
    async def issue_coupon(
        self, info: Info, template_id: strawberry.ID, member_id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> CouponPayload | None:
        caller = require_caller(info)
        row = await coupons.issue(
            brand_id=caller.brand_id,
            template_id=ids.decode(template_id, "CouponTemplate", field="templateId"),
            member_id=ids.decode(member_id, "Member", field="memberId"),
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return CouponPayload(coupon=Coupon(row=row))

    @strawberry.mutation(
        permission_classes=[IsConsumer], description="Buy a coupon with points. Send an idempotency key."
    )
    @mutation_payload
    async def buy_coupon(
        self, info: Info, template_id: strawberry.ID, idempotency_key: IdempotencyKey = None
    ) -> CouponPayload | None:
        caller = require_caller(info)
        row = await coupons.buy(
            brand_id=caller.brand_id,
            template_id=ids.decode(template_id, "CouponTemplate", field="templateId"),
            member_id=caller.member_id,
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return CouponPayload(coupon=Coupon(row=row))

    @strawberry.mutation(
        permission_classes=[IsGuide], description="Use a member's coupon in your store (scan or type its code)."
    )
    @mutation_payload
    @throttled(WRITE_OFF)
    async def write_off_coupon(
        self, info: Info, code: str, idempotency_key: IdempotencyKey = None
    ) -> CouponPayload | None:
        caller = require_caller(info)
        row = await write_offs.write_off(
            brand_id=caller.brand_id,
            code=code,
            guide_id=caller.guide_id,
            store_id=caller.store_id,
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return CouponPayload(coupon=Coupon(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Withdraw an unused coupon.")
    @mutation_payload
    async def cancel_coupon(self, info: Info, coupon_id: strawberry.ID) -> CouponPayload | None:
        caller = require_caller(info)
        row = await coupons.cancel(
            brand_id=caller.brand_id,
            coupon_id=ids.decode(coupon_id, "Coupon", field="couponId"),
            now=info.context.now(),
        )
        return CouponPayload(coupon=Coupon(row=row))
