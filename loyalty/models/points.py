"""Points: a balance per member and the append-only ledger it must always equal."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from loyalty.models import Campaign, Claim, Coupon
    from referral.models import Member


class EntryKind(StrEnum):
    EARN = "earn"
    SPEND = "spend"
    EXPIRE = "expire"
    ADJUST = "adjust"
    REVERSE = "reverse"
    REFUND = "refund"


class PointsAccount(Model):
    """A member's balance, kept in step with the ledger inside each transaction."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.OneToOneRelation["Member"] = fields.OneToOneField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    balance = fields.BigIntField(default=0)
    # Points taken back (a return) that the balance could not cover: repaid from the next earnings.
    debt = fields.BigIntField(default=0)
    # Claims ever made, counted in the claim's transaction: "first purchase" and "every Nth" read it.
    purchases = fields.IntField(default=0)

    brand_id: int
    member_id: int

    class Meta:
        table = "points_account"
        # The last line of defence: no code path can leave a balance or a debt below zero.
        constraints = (
            CheckConstraint(check="balance >= 0", name="points_balance_not_negative"),
            CheckConstraint(check="debt >= 0", name="points_debt_not_negative"),
        )


class PointsEntry(Model):
    """One line of the append-only points ledger: the balance is the sum of `points`, the debt the sum of
    `debt_change`. An EARN line is also a lot: `remaining` is what is left of it to spend or expire."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(EntryKind, max_length=8)
    points = fields.BigIntField()
    balance_after = fields.BigIntField()
    debt_change = fields.BigIntField(default=0)
    remaining = fields.BigIntField(default=0)
    claim: fields.ForeignKeyNullableRelation["Claim"] = fields.ForeignKeyField(
        "loyalty.Claim", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    coupon: fields.ForeignKeyNullableRelation["Coupon"] = fields.ForeignKeyField(
        "loyalty.Coupon", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    expires_at = fields.DatetimeField(null=True)
    note = fields.CharField(max_length=120, null=True)
    # The campaign rule that granted these points (None: the item's own points, a spend, an expiry...).
    campaign: fields.ForeignKeyNullableRelation["Campaign"] = fields.ForeignKeyField(
        "loyalty.Campaign", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    brand_id: int
    member_id: int
    claim_id: int | None

    class Meta:
        table = "points_entry"
        indexes = (("member_id", "created_at"), ("member_id", "remaining", "expires_at"), ("expires_at", "remaining"))
        constraints = (CheckConstraint(check="remaining >= 0", name="points_lot_not_negative"),)
