from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Store


class StaffRole(StrEnum):
    HQ = "hq"
    STORE_MANAGER = "store_manager"


class StaffAccount(Model):
    """A brand employee who signs in with a password (HQ, or a manager tied to one store)."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    username = fields.CharField(max_length=64)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(StaffRole, max_length=20)
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    is_active = fields.BooleanField(default=True)
    # Bumped to revoke every token issued before (password change, leaving the company).
    token_version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_sign_in_at = fields.DatetimeField(null=True)

    brand_id: int
    store_id: int | None

    class Meta:
        table = "staff_account"
        unique_together = (("brand", "username"),)

    def __repr__(self) -> str:
        return f"<StaffAccount {self.id} {self.role}>"
