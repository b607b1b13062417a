"""Item codes: the brand's loyalty settings, batches of codes, claims and re-scans."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Guide, Member, Store


POINTS_VALID_DAYS = 365


class LoyaltyPolicy(Model):
    """A brand's loyalty settings."""

    id = fields.IntField(primary_key=True)
    brand: fields.OneToOneRelation["Brand"] = fields.OneToOneField(
        "tenancy.Brand", related_name=False, on_delete=fields.CASCADE
    )
    # The can's QR encodes this URL with ?i=<code>; the mini-program opens it and claims the code.
    item_url_base = fields.CharField(max_length=200, default="https://mp.example.com/i")
    max_batch_size = fields.IntField(default=50_000_000)
    points_valid_days = fields.IntField(default=POINTS_VALID_DAYS)

    brand_id: int

    class Meta:
        table = "loyalty_policy"


class CodeBatch(Model):
    """A production run of item codes for one SKU: a row for the run, none per code."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    sku = fields.CharField(max_length=40)
    product_name = fields.CharField(max_length=120)
    # The family the product belongs to ("stage 1 formula"), for figures per line; the latest batch
    # of a SKU says it.
    product_line = fields.CharField(max_length=64, null=True)
    quantity = fields.IntField()
    price_cents = fields.IntField()
    points_per_item = fields.IntField()
    key_id = fields.SmallIntField()
    # Where the goods are meant to be sold; a claim elsewhere is flagged as diversion.
    region = fields.CharField(max_length=64, null=True)
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    brand_id: int
    store_id: int | None

    class Meta:
        table = "code_batch"
        constraints = (
            CheckConstraint(check="quantity > 0 AND price_cents >= 0 AND points_per_item >= 0", name="code_batch_sane"),
        )


class Claim(Model):
    """The one successful claim of an item code: (batch, serial) is unique, so the first one wins."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    batch: fields.ForeignKeyRelation["CodeBatch"] = fields.ForeignKeyField(
        "loyalty.CodeBatch", related_name=False, on_delete=fields.RESTRICT
    )
    serial = fields.BigIntField()
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    claimed_at = fields.DatetimeField()
    guide: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    city = fields.CharField(max_length=64, null=True)
    points = fields.IntField()
    idempotency_key = fields.CharField(max_length=64, null=True)
    # Scanned outside the batch's region or store: goods diverted from their channel.
    diverted = fields.BooleanField(default=False)
    # A return or refund: the claim and every reward it caused are reversed once.
    reversed_at = fields.DatetimeField(null=True)
    reversal_reason = fields.CharField(max_length=200, null=True)

    brand_id: int
    batch_id: int
    member_id: int
    guide_id: int | None
    store_id: int | None

    class Meta:
        table = "claim"
        unique_together = (("batch", "serial"), ("member", "idempotency_key"))
        indexes = (("brand_id", "claimed_at"), ("batch_id", "diverted"))


class Rescan(Model):
    """A scan of a code that was already claimed: a possible counterfeit or a shared photo of a code."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    batch: fields.ForeignKeyRelation["CodeBatch"] = fields.ForeignKeyField(
        "loyalty.CodeBatch", related_name=False, on_delete=fields.RESTRICT
    )
    serial = fields.BigIntField()
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    scanned_at = fields.DatetimeField()
    city = fields.CharField(max_length=64, null=True)
    by_claimer = fields.BooleanField()
    # Someone else, or the claimer somewhere else: one of the two items may be a counterfeit copy.
    suspicious = fields.BooleanField(default=False)

    brand_id: int
    batch_id: int
    member_id: int | None

    class Meta:
        table = "rescan"
        indexes = (("batch_id", "serial"),)
