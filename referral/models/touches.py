from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import Channel, TouchKind

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Guide, Member, Store


class Touch(Model):
    """One touch point, append-only. Other domains report theirs through referral.services.touches."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TouchKind, max_length=24)
    occurred_at = fields.DatetimeField()
    # Attribution as it stood when the touch happened (the guide bound then, not now).
    guide: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    channel = fields.CharEnumField(Channel, max_length=16, null=True)
    # The free-text tag the member registered with (`register(input: {campaign})`), on REGISTRATION touches.
    campaign = fields.CharField(max_length=64, null=True)
    # The campaign rule that caused this touch (the coupon it issued, that coupon's write-off, the purchase
    # it rewarded). A plain id: referral knows nothing of loyalty's tables, loyalty reports its rule here.
    campaign_id = fields.IntField(null=True)
    event_ref = fields.CharField(max_length=64, null=True)
    # Money in the smallest unit (fen, satang): purchases positive, reversals negative.
    amount_cents = fields.BigIntField(default=0)
    # The member this touch concerns besides the owner (the friend a REFERRAL touch is about).
    other_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # What was bought, on purchases and their reversals: the SKU (a plain string: referral knows
    # nothing of loyalty's batches; loyalty reports it here), for figures per product.
    product = fields.CharField(max_length=64, null=True)
    # ...and its product line ("stage 1 formula") as the batch named it when it was sold.
    product_line = fields.CharField(max_length=64, null=True)
    # The originating record in its domain (a claim, a coupon...), for de-duplication and audit.
    source = fields.CharField(max_length=64, null=True)

    brand_id: int
    member_id: int
    guide_id: int | None
    store_id: int | None

    class Meta:
        table = "touch"
        unique_together = (("brand", "kind", "source"),)
        # Column names, not field names: tortoise 1.1.9 puts index names into SQL unresolved on PostgreSQL.
        indexes = (("brand_id", "occurred_at"), ("member_id", "occurred_at"), ("guide_id", "occurred_at"))
