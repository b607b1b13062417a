from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import policy as policies
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.policy import ReferralPolicy, ReferralPolicyInput


@strawberry.type(description="The referral settings as a mutation left them, or why it was refused.")
class ReferralPolicyPayload:
    policy: ReferralPolicy | None = strawberry.field(default=None, description="The settings; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class PolicyMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="Change the brand's referral settings.")
    @mutation_payload
    async def update_referral_policy(
        self,
        info: Info,
        input: Annotated[ReferralPolicyInput, strawberry.argument(description="The settings to change.")],
    ) -> ReferralPolicyPayload | None:
        caller = require_caller(info)
        row = await policies.update(
            brand_id=caller.brand_id,
            invite_url_base=input.invite_url_base,
            allow_guide_switch=input.allow_guide_switch,
            switch_after_days=input.switch_after_days,
            lapsed_after_days=input.lapsed_after_days,
            vip_revenue_cents=input.vip_revenue_cents,
            loyal_purchases=input.loyal_purchases,
            loyal_months=input.loyal_months,
        )
        return ReferralPolicyPayload(policy=ReferralPolicy.of(row))
