"""Loyalty models. Tortoise discovers every model defined here."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model


class EntryKind(StrEnum):
    EARN = "earn"
    SPEND = "spend"
    EXPIRE = "expire"
    ADJUST = "adjust"


class LoyaltyPolicy(Model):
    """A brand's loyalty settings."""

    id = fields.IntField(primary_key=True)
    brand = fields.OneToOneField("tenancy.Brand", related_name=False, on_delete=fields.CASCADE)
    # The can's QR encodes this URL with ?i=<code>; the mini-program opens it and claims the code.
    item_url_base = fields.CharField(max_length=200, default="https://mp.example.com/i")
    max_batch_size = fields.IntField(default=50_000_000)
    points_valid_days = fields.IntField(default=365)

    brand_id: int

    class Meta:
        table = "loyalty_policy"


class CodeBatch(Model):
    """A production run of item codes for one SKU: a row for the run, none per code."""

    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    sku = fields.CharField(max_length=40)
    product_name = fields.CharField(max_length=120)
    quantity = fields.IntField()
    price_cents = fields.IntField()
    points_per_item = fields.IntField()
    key_id = fields.SmallIntField()
    # Where the goods are meant to be sold; a claim elsewhere is flagged as diversion.
    region = fields.CharField(max_length=64, null=True)
    store = fields.ForeignKeyField("referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    brand_id: int
    store_id: int | None

    class Meta:
        table = "code_batch"
        constraints = (CheckConstraint(check="quantity > 0 AND price_cents >= 0 AND points_per_item >= 0", name="code_batch_sane"),)


class Claim(Model):
    """The one successful claim of an item code: (batch, serial) is unique, so the first one wins."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    batch = fields.ForeignKeyField("loyalty.CodeBatch", related_name=False, on_delete=fields.RESTRICT)
    serial = fields.BigIntField()
    member = fields.ForeignKeyField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    claimed_at = fields.DatetimeField()
    guide = fields.ForeignKeyField("referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT)
    city = fields.CharField(max_length=64, null=True)
    points = fields.IntField()
    idempotency_key = fields.CharField(max_length=64, null=True)

    brand_id: int
    batch_id: int
    member_id: int
    guide_id: int | None
    store_id: int | None

    class Meta:
        table = "claim"
        unique_together = (("batch", "serial"), ("member", "idempotency_key"))
        indexes = (("brand_id", "claimed_at"),)


class Rescan(Model):
    """A scan of a code that was already claimed: a possible counterfeit or a shared photo of a code."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    batch = fields.ForeignKeyField("loyalty.CodeBatch", related_name=False, on_delete=fields.RESTRICT)
    serial = fields.BigIntField()
    member = fields.ForeignKeyField("referral.Member", related_name=False, null=True, on_delete=fields.SET_NULL)
    scanned_at = fields.DatetimeField()
    city = fields.CharField(max_length=64, null=True)
    by_claimer = fields.BooleanField()

    brand_id: int
    batch_id: int

    class Meta:
        table = "rescan"
        indexes = (("batch_id", "serial"),)


class PointsAccount(Model):
    """A member's balance, kept in step with the ledger inside each transaction."""

    id = fields.IntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    member = fields.OneToOneField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    balance = fields.BigIntField(default=0)

    brand_id: int
    member_id: int

    class Meta:
        table = "points_account"
        # The last line of defence: no code path can leave a balance below zero.
        constraints = (CheckConstraint(check="balance >= 0", name="points_balance_not_negative"),)


class PointsEntry(Model):
    """One line of the append-only points ledger (the balance is the sum of the member's lines)."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(EntryKind, max_length=8)
    points = fields.BigIntField()
    balance_after = fields.BigIntField()
    claim = fields.ForeignKeyField("loyalty.Claim", related_name=False, null=True, on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    note = fields.CharField(max_length=120, null=True)

    brand_id: int
    member_id: int

    class Meta:
        table = "points_entry"
        indexes = (("member_id", "created_at"),)
