from __future__ import annotations

from datetime import datetime

import strawberry

from loyalty.models import Beneficiary as BeneficiaryValue, Campaign as CampaignModel, Trigger as TriggerValue
from loyalty.services.campaigns import Granted
from schema import ids
from schema.types.coupon import Coupon

Beneficiary = strawberry.enum(BeneficiaryValue, description="Who a campaign rewards.")
CampaignTrigger = strawberry.enum(TriggerValue, description="What a campaign rewards: a claim or an event step.")


@strawberry.type(description="A campaign rule: conditions on a claim, and what it grants to whom.")
class Campaign:
    row: strawberry.Private[CampaignModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Campaign", self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @strawberry.field
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @strawberry.field
    def stopped_at(self) -> datetime | None:
        return self.row.stopped_at

    @strawberry.field(description="SKUs it applies to; empty means every SKU.")
    def skus(self) -> list[str]:
        return list(self.row.skus)

    @strawberry.field
    def first_purchase(self) -> bool:
        return self.row.first_purchase

    @strawberry.field
    def every_nth(self) -> int | None:
        return self.row.every_nth

    @strawberry.field
    def via_guide(self) -> bool:
        return self.row.via_guide

    @strawberry.field
    def invited_by_member(self) -> bool:
        return self.row.invited_by_member

    @strawberry.field
    def region(self) -> str | None:
        return self.row.region

    @strawberry.field
    def beneficiary(self) -> Beneficiary:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.beneficiary

    @strawberry.field
    def points(self) -> int:
        return self.row.points

    @strawberry.field
    def trigger(self) -> CampaignTrigger:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.trigger

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
