from __future__ import annotations

from datetime import datetime

import strawberry

from loyalty.models import Beneficiary as BeneficiaryValue, Campaign as CampaignModel, Trigger as TriggerValue
from loyalty.services.campaigns import Granted
from schema import ids
from schema.columns import column
from schema.types.coupon import Coupon

Beneficiary = strawberry.enum(BeneficiaryValue, description="Who a campaign rewards.")
CampaignTrigger = strawberry.enum(TriggerValue, description="What a campaign rewards: a claim or an event step.")


@strawberry.type(description="A campaign rule: conditions on a claim, and what it grants to whom.")
class Campaign:
    row: strawberry.Private[CampaignModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Campaign", self.row.id)

    name = column(str)

    starts_at = column(datetime)

    ends_at = column(datetime)

    stopped_at = column(datetime | None)

    @strawberry.field(description="SKUs it applies to; empty means every SKU.")
    def skus(self) -> list[str]:
        return list(self.row.skus)

    first_purchase = column(bool)

    every_nth = column(int | None)

    via_guide = column(bool)

    invited_by_member = column(bool)

    region = column(str | None)

    beneficiary = column(Beneficiary)

    points = column(int)

    trigger = column(CampaignTrigger)

    @strawberry.field
    def coupon_template_id(self) -> strawberry.ID | None:
        return ids.encode("CouponTemplate", self.row.coupon_template_id) if self.row.coupon_template_id else None


@strawberry.input(description="Conditions left out do not restrict. A claim must meet every one that is set.")
class CampaignInput:
    name: str
    starts_at: datetime
    ends_at: datetime
    beneficiary: Beneficiary = BeneficiaryValue.MEMBER  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    trigger: CampaignTrigger = strawberry.field(  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        default=TriggerValue.CLAIM,
        description="Event steps take only the viaGuide and invitedByMember conditions.",
    )
    points: int = 0
    coupon_template_id: strawberry.ID | None = None
    skus: list[str] = strawberry.field(default_factory=list)
    first_purchase: bool = False
    every_nth: int | None = None
    via_guide: bool = strawberry.field(default=False, description="Only when the member is bound to a guide.")
    invited_by_member: bool = strawberry.field(default=False, description="Only when another member invited them.")
    region: str | None = strawberry.field(default=None, description="Only for claims made in this city.")


@strawberry.type(description="What a campaign gave for a claim.")
class Reward:
    granted: strawberry.Private[Granted]

    @strawberry.field
    def campaign_name(self) -> str:
        return self.granted.campaign_name

    @strawberry.field
    def points(self) -> int:
        return self.granted.reward.points

    @strawberry.field
    def coupon(self) -> Coupon | None:
        return Coupon(row=self.granted.coupon) if self.granted.coupon else None

    @strawberry.field(description="Why a promised coupon was not given (for example COUPON_LIMIT_REACHED).")
    def shortfall(self) -> str | None:
        return self.granted.reward.shortfall
