from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class IdentityProvider(StrEnum):
    WECHAT = "wechat"
    LINE = "line"
    # Only issued by the development sign-in, which production refuses.
    DEV = "dev"


class GuideRole(StrEnum):
    GUIDE = "guide"
    MANAGER = "manager"


class GuideStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    INACTIVE = "inactive"


class Store(Model):
    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=120)
    city = fields.CharField(max_length=64, null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int

    class Meta:
        table = "store"
        unique_together = (("brand", "code"),)


class Member(Model):
    """A consumer of one brand (the same person in another brand is another member)."""

    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    display_name = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    deleted_at = fields.DatetimeField(null=True)

    brand_id: int

    class Meta:
        table = "member"


class MemberIdentity(Model):
    """A proven sign-in identity (WeChat openid, LINE user id) that leads to one member."""

    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("referral.Member", related_name="identities", on_delete=fields.CASCADE)
    provider = fields.CharEnumField(IdentityProvider, max_length=16)
    subject = fields.CharField(max_length=128)
    unionid = fields.CharField(max_length=128, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int
    member_id: int

    class Meta:
        table = "member_identity"
        # The database, not Python, decides who wins two concurrent first sign-ins.
        unique_together = (("brand", "provider", "subject"),)


class Guide(Model):
    """A member enrolled as a shop guide (or store manager) of one store."""

    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("referral.Store", related_name=False, on_delete=fields.RESTRICT)
    role = fields.CharEnumField(GuideRole, max_length=16, default=GuideRole.GUIDE)
    status = fields.CharEnumField(GuideStatus, max_length=16, default=GuideStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int
    member_id: int
    store_id: int

    class Meta:
        table = "guide"
        unique_together = (("brand", "member"),)
