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
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=80)
    kind = fields.CharEnumField(CouponKind, max_length=10)
    # For a discount, the amount off; for a gift, the value of the gift (for reporting).
    value_cents = fields.IntField(default=0)
    valid_days = fields.IntField()
    total_limit = fields.IntField(null=True)
    per_member_limit = fields.IntField(default=1)
    # Counted up by a conditional UPDATE, so the total limit holds under any concurrency.
    issued_count = fields.IntField(default=0)
    # Store ids where it may be written off; empty means every store of the brand.
    store_ids = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int

    class Meta:
        table = "coupon_template"
        constraints = (
            CheckConstraint(check="total_limit IS NULL OR issued_count <= total_limit", name="coupon_template_within_limit"),
        )


class CouponHolding(Model):
    """How many coupons of a template a member holds: the per-member limit is a conditional UPDATE on it."""

    id = fields.IntField(primary_key=True)
    template = fields.ForeignKeyField("loyalty.CouponTemplate", related_name=False, on_delete=fields.CASCADE)
    member = fields.ForeignKeyField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    count = fields.IntField(default=0)

    template_id: int
    member_id: int

    class Meta:
        table = "coupon_holding"
        unique_together = (("template", "member"),)


class Coupon(Model):
    """One coupon issued to one member (written off once, by a guide, in a valid store, before it expires)."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("tenancy.Brand", related_name=False, on_delete=fields.RESTRICT)
    template = fields.ForeignKeyField("loyalty.CouponTemplate", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("referral.Member", related_name=False, on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=16)
    status = fields.CharEnumField(CouponStatus, max_length=12, default=CouponStatus.ISSUED)
    issued_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    written_off_at = fields.DatetimeField(null=True)
    written_off_by = fields.ForeignKeyField("referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT)
    written_off_store = fields.ForeignKeyField("referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT)
    cancelled_at = fields.DatetimeField(null=True)
    idempotency_key = fields.CharField(max_length=64, null=True)
    write_off_key = fields.CharField(max_length=64, null=True)

    brand_id: int
    template_id: int
    member_id: int

    class Meta:
        table = "coupon"
        unique_together = (("brand", "code"), ("template", "idempotency_key"))
        indexes = (("member_id", "status"),)
