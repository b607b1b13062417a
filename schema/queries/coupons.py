"""What members read of their coupons."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalty.services import coupons
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsConsumer, require_caller
from schema.types.coupon import Coupon


@strawberry.type
class CouponQueries:
    @strawberry.field(permission_classes=[IsConsumer], description="Your coupons, oldest first.")
    async def my_coupons(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Coupon] | None:
        caller = require_caller(info)
        return await paginate(
            coupons.mine(brand_id=caller.brand_id, member_id=caller.member_id),
            first=first,
            after=after,
            to_node=lambda row: Coupon(row=row),
        )
