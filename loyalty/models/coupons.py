"""Coupons: templates, members' holdings (for the per-member limit) and issued coupons."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from loyalty.models import Campaign
    from referral.models import Guide, Member, Store


class CouponKind(StrEnum):
    GIFT = "gift"
    DISCOUNT = "discount"


class CouponStatus(StrEnum):
    ISSUED = "issued"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"


class CouponTemplate(Model):
    """What a coupon gives, for how long, how many may be issued, and where it can be used."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    kind = fields.CharEnumField(CouponKind, max_length=10)
    # For a discount, the amount off; for a gift, the value of the gift (for reporting).
    value_cents = fields.IntField(default=0)
    valid_days = fields.IntField()
    total_limit = fields.IntField(null=True)
    per_member_limit = fields.IntField(default=1)
    # With a total limit: counted up by a conditional UPDATE, so the limit holds under any
    # concurrency. Without one it stays 0 (no hot row); loyalty.services.coupons.issued counts it.
    issued_count = fields.IntField(default=0)
    # Store ids where it may be written off; empty means every store of the brand.
    store_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    # If set, members may buy one with this many points.
    points_price = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int

    class Meta:
        table = "coupon_template"
        constraints = (
            CheckConstraint(
                check="total_limit IS NULL OR issued_count <= total_limit", name="coupon_template_within_limit"
            ),
        )


class CouponHolding(Model):
    """How many coupons of a template a member holds: the per-member limit is a conditional UPDATE on it."""

    id = fields.IntField(primary_key=True)
    template: fields.ForeignKeyRelation["CouponTemplate"] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    count = fields.IntField(default=0)

    template_id: int
    member_id: int

    class Meta:
        table = "coupon_holding"
        unique_together = (("template", "member"),)


class Coupon(Model):
    """One coupon issued to one member (written off once, by a guide, in a valid store, before it expires)."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    template: fields.ForeignKeyRelation["CouponTemplate"] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=16)
    status = fields.CharEnumField(CouponStatus, max_length=12, default=CouponStatus.ISSUED)
    issued_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    written_off_at = fields.DatetimeField(null=True)
    written_off_by: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    written_off_store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    cancelled_at = fields.DatetimeField(null=True)
    idempotency_key = fields.CharField(max_length=64, null=True)
    write_off_key = fields.CharField(max_length=64, null=True)
    # Points the member paid for it: given back if HQ cancels it.
    points_cost = fields.IntField(default=0)
    # The campaign rule that issued it (None: HQ issued it by hand, or the member bought it).
    campaign: fields.ForeignKeyNullableRelation["Campaign"] = fields.ForeignKeyField(
        "loyalty.Campaign", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    brand_id: int
    template_id: int
    member_id: int
    campaign_id: int | None
    written_off_by_id: int | None
    written_off_store_id: int | None

    class Meta:
        table = "coupon"
        unique_together = (("brand", "code"), ("template", "idempotency_key"))
        # Idempotency look-ups: a retried issue or purchase, a retried write-off.
        indexes = (("member_id", "status"), ("brand_id", "idempotency_key"), ("brand_id", "write_off_key"))
