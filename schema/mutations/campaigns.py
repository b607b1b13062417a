"""Campaigns: HQ writes the rules that claims trigger."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.models import Beneficiary, Trigger
from loyalty.services import campaigns
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.campaign import Campaign, CampaignInput


@strawberry.type(description="A campaign as a mutation left it, or why it was refused.")
class CampaignPayload:
    campaign: Campaign | None = strawberry.field(default=None, description="The campaign; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class CampaignMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ], description="Add a campaign rule; it applies to claims in [startsAt, endsAt)."
    )
    @mutation_payload
    async def create_campaign(
        self,
        info: Info,
        input: Annotated[CampaignInput, strawberry.argument(description="The campaign's rule and reward.")],
    ) -> CampaignPayload | None:
        caller = require_caller(info)
        spec = campaigns.CampaignSpec(
            name=input.name,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            beneficiary=Beneficiary(input.beneficiary.value),
            points=input.points,
            coupon_template_id=(
                ids.decode(input.coupon_template_id, "CouponTemplate", field="couponTemplateId")
                if input.coupon_template_id
                else None
            ),
            skus=tuple(input.skus),
            first_purchase=input.first_purchase,
            every_nth=input.every_nth,
            via_guide=input.via_guide,
            invited_by_member=input.invited_by_member,
            region=input.region,
            trigger=Trigger(input.trigger.value),
        )
        return CampaignPayload(campaign=Campaign(row=await campaigns.create(brand_id=caller.brand_id, spec=spec)))

    @strawberry.mutation(permission_classes=[IsHQ], description="Stop a campaign now.")
    @mutation_payload
    async def stop_campaign(self, info: Info, id: strawberry.ID) -> CampaignPayload | None:
        caller = require_caller(info)
        row = await campaigns.stop(
            brand_id=caller.brand_id, campaign_id=ids.decode(id, "Campaign"), now=info.context.now()
        )
        return CampaignPayload(campaign=Campaign(row=row))
