from __future__ import annotations

import strawberry

from referral.models import ReferralPolicy as PolicyModel


@strawberry.type(description="The brand's referral settings.")
class ReferralPolicy:
    invite_url_base: str
    allow_guide_switch: bool
    switch_after_days: int
    lapsed_after_days: int
    vip_revenue_cents: int

    @classmethod
    def of(cls, row: PolicyModel) -> ReferralPolicy:
        return cls(
            invite_url_base=row.invite_url_base,
            allow_guide_switch=row.allow_guide_switch,
            switch_after_days=row.switch_after_days,
            lapsed_after_days=row.lapsed_after_days,
            vip_revenue_cents=row.vip_revenue_cents,
        )


@strawberry.input
class ReferralPolicyInput:
    invite_url_base: str | None = None
    allow_guide_switch: bool | None = None
    switch_after_days: int | None = None
    lapsed_after_days: int | None = None
    vip_revenue_cents: int | None = None
