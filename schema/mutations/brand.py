"""HQ changes its brand's settings; each change is recorded (who, when, old and new value)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from foundation.tenancy import origins as allowed_origins
from loyalty.services import policy as loyalty_policy
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.brand import Brand


@strawberry.type(description="The brand's settings as a mutation left them, or why it was refused.")
class BrandPayload:
    brand: Brand | None = strawberry.field(default=None, description="The brand; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="The URL printed on cans, or why it was refused.")
class ItemUrlPayload:
    item_url_base: str | None = strawberry.field(
        default=None, description="Each can's QR opens this URL with ?i=<code>."
    )
    errors: list[UserError] = refusals()


@strawberry.type
class BrandMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Replace the web origins whose pages may call the API from a browser (a LIFF app on "
        "the brand's domain): https://host[:port], http only for localhost, at most 20.",
    )
    @mutation_payload
    async def set_allowed_origins(self, info: Info, origins: list[str]) -> BrandPayload | None:
        caller = require_caller(info)
        row = await allowed_origins.set_allowed(
            brand_id=caller.brand_id,
            origins=origins,
            changed_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
        )
        return BrandPayload(brand=Brand.of(row))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Set the URL printed on cans (the mini-program's registered QR prefix; each code adds "
        "?i=<code>): https, without ? or #. Code exports are refused until it is set.",
    )
    @mutation_payload
    async def set_item_url_base(self, info: Info, url: str) -> ItemUrlPayload | None:
        caller = require_caller(info)
        row = await loyalty_policy.set_item_url_base(
            brand_id=caller.brand_id, url=url, changed_by=f"staff:{caller.staff_id}", now=info.context.now()
        )
        return ItemUrlPayload(item_url_base=row.item_url_base)
