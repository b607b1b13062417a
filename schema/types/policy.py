from __future__ import annotations

import strawberry

from referral.models import ReferralPolicy as PolicyModel


@strawberry.type(description="The brand's referral settings.")
class ReferralPolicy:
    invite_url_base: str = strawberry.field(description="Invite QRs open this URL with the invite code.")
    allow_guide_switch: bool = strawberry.field(
        description="Whether a member may move to another guide by scanning their QR."
    )
    switch_after_days: int = strawberry.field(
        description="Days a member stays with their guide before a scan may move them."
    )
    lapsed_after_days: int = strawberry.field(description="Days without a touch after which a member counts as lapsed.")
    vip_revenue_cents: int = strawberry.field(description="Revenue (minor units) from which a member is tagged VIP.")
    loyal_purchases: int = strawberry.field(
        description="A loyal customer (the repurchase report) made at least this many purchases..."
    )
    loyal_months: int = strawberry.field(description="...in this many months.")

    @classmethod
    def of(cls, row: PolicyModel) -> ReferralPolicy:
        return cls(
            invite_url_base=row.invite_url_base,
            allow_guide_switch=row.allow_guide_switch,
            switch_after_days=row.switch_after_days,
            lapsed_after_days=row.lapsed_after_days,
            vip_revenue_cents=row.vip_revenue_cents,
            loyal_purchases=row.loyal_purchases,
            loyal_months=row.loyal_months,
        )


@strawberry.input(description="Referral settings to change; fields left out keep their value.")
class ReferralPolicyInput:
    invite_url_base: str | None = None
    allow_guide_switch: bool | None = strawberry.field(
        default=None, description="Whether a member may move to another guide by scanning their QR."
    )
    switch_after_days: int | None = strawberry.field(
        default=None, description="Days a member stays with their guide before a scan may move them."
    )
    lapsed_after_days: int | None = strawberry.field(
        default=None, description="Days without a touch after which a member counts as lapsed."
    )
    vip_revenue_cents: int | None = strawberry.field(
        default=None, description="Revenue (minor units) from which a member is tagged VIP."
    )
    loyal_purchases: int | None = strawberry.field(
        default=None, description="A loyal customer made at least this many purchases (1-100)..."
    )
    loyal_months: int | None = strawberry.field(default=None, description="...in this many months (1-24).")
