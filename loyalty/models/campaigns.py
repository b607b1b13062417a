"""Campaigns: rules HQ writes as data (conditions -> rewards), the rewards they granted, and progress
towards "every Nth purchase"."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from loyalty.triggers import Trigger

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from loyalty.models import Claim, Coupon, CouponTemplate, PointsEntry
    from referral.models import Member


class Beneficiary(StrEnum):
    MEMBER = "member"  # the member who scanned
    GUIDE = "guide"  # the guide the member is bound to at the time of the claim
    INVITER = "inviter"  # the member who invited them


class Campaign(Model):
    """One rule: when a claim meets every condition set here, the beneficiary gets the points and coupon.

    Conditions left empty do not restrict. The rule runs for claims made in [starts_at, ends_at).
    """

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    skus: fields.JSONField[list[str]] = fields.JSONField(default=list)
    first_purchase = fields.BooleanField(default=False)
    every_nth = fields.IntField(null=True)
    via_guide = fields.BooleanField(default=False)
    invited_by_member = fields.BooleanField(default=False)
    region = fields.CharField(max_length=64, null=True)
    beneficiary = fields.CharEnumField(Beneficiary, max_length=8, default=Beneficiary.MEMBER)
    trigger = fields.CharEnumField(Trigger, max_length=20, default=Trigger.CLAIM)
    points = fields.IntField(default=0)
    coupon_template: fields.ForeignKeyNullableRelation["CouponTemplate"] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    stopped_at = fields.DatetimeField(null=True)

    brand_id: int
    coupon_template_id: int | None

    class Meta:
        table = "campaign"
        indexes = (("brand_id", "ends_at"),)
        constraints = (
            CheckConstraint(
                check="ends_at > starts_at AND points >= 0 AND (every_nth IS NULL OR every_nth >= 2)",
                name="campaign_sane",
            ),
        )


class CampaignProgress(Model):
    """Matching purchases a member made under a campaign: counted by an atomic increment for every Nth."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation["Campaign"] = fields.ForeignKeyField(
        "loyalty.Campaign", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    count = fields.IntField(default=0)

    class Meta:
        table = "campaign_progress"
        unique_together = (("campaign", "member"),)


class Reward(Model):
    """What one campaign granted for one claim to one beneficiary: at most once, by a unique constraint."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    campaign: fields.ForeignKeyRelation["Campaign"] = fields.ForeignKeyField(
        "loyalty.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    claim: fields.ForeignKeyRelation["Claim"] = fields.ForeignKeyField(
        "loyalty.Claim", related_name=False, on_delete=fields.RESTRICT
    )
    beneficiary = fields.CharEnumField(Beneficiary, max_length=8)
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    points = fields.IntField(default=0)
    points_entry: fields.ForeignKeyNullableRelation["PointsEntry"] = fields.ForeignKeyField(
        "loyalty.PointsEntry", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    coupon: fields.ForeignKeyNullableRelation["Coupon"] = fields.ForeignKeyField(
        "loyalty.Coupon", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # Why a coupon the rule promised was not given (its template ran out, the member holds the maximum).
    shortfall = fields.CharField(max_length=40, null=True)
    granted_at = fields.DatetimeField()
    reversed_at = fields.DatetimeField(null=True)

    brand_id: int
    campaign_id: int
    claim_id: int
    member_id: int
    points_entry_id: int | None
    coupon_id: int | None

    class Meta:
        table = "reward"
        unique_together = (("campaign", "claim", "beneficiary"),)
        indexes = (("claim_id",), ("member_id", "granted_at"))


class StepReward(Model):
    """What a campaign granted for an event step (a sign-up, a check-in, an answer) or a purchase (a
    till receipt, an imported order), once per (campaign, step, beneficiary) by a unique constraint,
    however often the step is reported."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    campaign: fields.ForeignKeyRelation["Campaign"] = fields.ForeignKeyField(
        "loyalty.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    # The step, as its domain names it ("checkin:42", "till:7", "order:9").
    step = fields.CharField(max_length=64)
    beneficiary = fields.CharEnumField(Beneficiary, max_length=8)
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    points = fields.IntField(default=0)
    coupon: fields.ForeignKeyNullableRelation["Coupon"] = fields.ForeignKeyField(
        "loyalty.Coupon", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    shortfall = fields.CharField(max_length=40, null=True)
    granted_at = fields.DatetimeField()
    # The ledger line of its points, and when a return took them back (purchases only).
    points_entry: fields.ForeignKeyNullableRelation["PointsEntry"] = fields.ForeignKeyField(
        "loyalty.PointsEntry", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reversed_at = fields.DatetimeField(null=True)

    brand_id: int
    member_id: int
    campaign_id: int
    coupon_id: int | None
    points_entry_id: int | None

    class Meta:
        table = "step_reward"
        unique_together = (("campaign", "step", "beneficiary"),)
        indexes = (("member_id", "granted_at"), ("brand_id", "step"))
