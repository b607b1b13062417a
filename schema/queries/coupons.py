"""What members read of their coupons and the points shop, and HQ of every coupon template."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation.auth.caller import Role
from loyalty.services import coupons
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsConsumer, IsSignedIn, require_caller
from schema.types.coupon import Coupon, CouponTemplate


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

    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="Coupon templates: for HQ every one; for everyone else the points shop (those members may "
        "buy with points). Oldest first; search by name.",
    )
    async def coupon_templates(
        self,
        info: Info,
        first: First = DEFAULT_PAGE,
        after: After = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the name.")] = None,
    ) -> Connection[CouponTemplate] | None:
        caller = require_caller(info)
        return await paginate(
            coupons.templates(brand_id=caller.brand_id, for_sale_only=not caller.has(Role.HQ), search=search),
            first=first,
            after=after,
            to_node=lambda row: CouponTemplate(row=row),
        )
