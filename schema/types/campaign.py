from __future__ import annotations

from datetime import datetime

import strawberry

from loyalty.models import Beneficiary as BeneficiaryValue, Campaign as CampaignModel, Trigger as TriggerValue
from loyalty.services.campaigns import Granted
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.coupon import Coupon
from schema.types.node import Node

Beneficiary = client_enum(
    BeneficiaryValue,
    "Who a campaign rewards.",
    {
        BeneficiaryValue.MEMBER: "The member who scanned or took part.",
        BeneficiaryValue.GUIDE: "The guide the member was bound to at that moment.",
        BeneficiaryValue.INVITER: "The member who invited them.",
    },
)
CampaignTrigger = client_enum(
    TriggerValue,
    "What a campaign rewards: a claim or an event step.",
    {
        TriggerValue.CLAIM: "A member claimed an item code.",
        TriggerValue.PURCHASE: "A purchase recorded at a till or imported from a till or web shop.",
        TriggerValue.EVENT_SIGN_UP: "A member signed up for an event.",
        TriggerValue.EVENT_CHECK_IN: "A member checked in at an event.",
        TriggerValue.EVENT_INTERACTION: "A member answered a poll or quiz, or won a draw, at an event.",
    },
    name="Trigger",
)


@strawberry.type(description="A campaign rule: conditions on a claim, and what it grants to whom.")
class Campaign(Node):
    row: strawberry.Private[CampaignModel]

    @strawberry.field(description="Global id of the campaign.")
    def id(self) -> strawberry.ID:
        return ids.encode("Campaign", self.row.id)

    name = column(str, description="Shown to members with what it gave.")

    starts_at = column(datetime, description="From when it applies.")

    ends_at = column(datetime, description="Until when it applies.")

    stopped_at = column(datetime | None, description="When HQ stopped it early; null if running as planned.")

    @strawberry.field(description="SKUs it applies to; empty means every SKU.")
    def skus(self) -> list[str]:
        return list(self.row.skus)

    first_purchase = column(bool, description="Only a member's first claim.")

    every_nth = column(int | None, description="Only every n-th claim of a member.")

    via_guide = column(bool, description="Only when the member is bound to a guide.")

    invited_by_member = column(bool, description="Only when another member invited them.")

    region = column(str | None, description="Only claims made in this city.")

    beneficiary = column(Beneficiary, description="Who receives the reward.")

    points = column(int, description="Points granted.")

    trigger = column(
        CampaignTrigger, description="What it rewards: a claim, a till or imported purchase, or an event step."
    )

    @strawberry.field(description="The coupon it grants, if any.")
    def coupon_template_id(self) -> strawberry.ID | None:
        return ids.encode("CouponTemplate", self.row.coupon_template_id) if self.row.coupon_template_id else None


@strawberry.input(description="Conditions left out do not restrict. A claim must meet every one that is set.")
class CampaignInput:
    name: str
    starts_at: datetime = strawberry.field(description="From when it applies; a time with an offset.")
    ends_at: datetime = strawberry.field(description="Until when it applies.")
    beneficiary: Beneficiary = strawberry.field(default=BeneficiaryValue.MEMBER, description="Who receives the reward.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    trigger: CampaignTrigger = strawberry.field(  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        default=TriggerValue.CLAIM,
        description="Event steps take only the viaGuide and invitedByMember conditions.",
    )
    points: int = strawberry.field(default=0, description="Points granted (0 for none).")
    coupon_template_id: strawberry.ID | None = None
    skus: list[str] = strawberry.field(default_factory=list)
    first_purchase: bool = strawberry.field(default=False, description="Only a member's first claim.")
    every_nth: int | None = strawberry.field(default=None, description="Only every n-th claim of a member.")
    via_guide: bool = strawberry.field(default=False, description="Only when the member is bound to a guide.")
    invited_by_member: bool = strawberry.field(default=False, description="Only when another member invited them.")
    region: str | None = strawberry.field(default=None, description="Only for claims made in this city.")


@strawberry.type(description="What a campaign gave for a claim.")
class Reward:
    granted: strawberry.Private[Granted]

    @strawberry.field(description="The campaign that gave it.")
    def campaign_name(self) -> str:
        return self.granted.campaign_name

    @strawberry.field(description="Points granted.")
    def points(self) -> int:
        return self.granted.reward.points

    @strawberry.field(description="The coupon granted, if any.")
    def coupon(self) -> Coupon | None:
        return Coupon(row=self.granted.coupon) if self.granted.coupon else None

    @strawberry.field(description="Why a promised coupon was not given (for example COUPON_LIMIT_REACHED).")
    def shortfall(self) -> str | None:
        return self.granted.reward.shortfall
