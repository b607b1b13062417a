from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import BindingReason, GuideRole, GuideStatus

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member, Store


class Guide(Model):
    """A member enrolled as a shop guide (or store manager) of one store."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(GuideRole, max_length=16, default=GuideRole.GUIDE)
    status = fields.CharEnumField(GuideStatus, max_length=16, default=GuideStatus.PENDING)
    invite_code = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    approved_at = fields.DatetimeField(null=True)
    left_at = fields.DatetimeField(null=True)

    brand_id: int
    member_id: int
    store_id: int

    class Meta:
        table = "guide"
        unique_together = (("brand", "member"), ("brand", "invite_code"))


class StoreEnrolment(Model):
    """An enrolment QR for one store: guides join through it until it expires or is revoked."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, on_delete=fields.RESTRICT
    )
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int
    store_id: int

    class Meta:
        table = "store_enrolment"


class GuideBinding(Model):
    """A dated period during which a guide served a member: attribution of the past reads these."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    guide: fields.ForeignKeyRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, on_delete=fields.RESTRICT
    )
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    reason = fields.CharEnumField(BindingReason, max_length=16)

    brand_id: int
    member_id: int
    guide_id: int
    store_id: int

    class Meta:
        table = "guide_binding"
        # Column names, not field names: tortoise 1.1.9 puts index names into SQL unresolved on PostgreSQL.
        indexes = (("member_id", "started_at"),)
