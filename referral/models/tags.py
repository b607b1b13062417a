from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class Tag(Model):
    """A tag HQ defines and puts on members (automatic tags are computed, not stored)."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=32)
    description = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int

    class Meta:
        table = "tag"
        unique_together = (("brand", "name"),)


class MemberTag(Model):
    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation["Tag"] = fields.ForeignKeyField(
        "referral.Tag", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int
    member_id: int
    tag_id: int

    class Meta:
        table = "member_tag"
        unique_together = (("member", "tag"),)
