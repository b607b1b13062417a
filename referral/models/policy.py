from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand


class ReferralPolicy(Model):
    """A brand's referral settings: where QR codes lead, and whether members may change guide."""

    id = fields.IntField(primary_key=True)
    brand: fields.OneToOneRelation["Brand"] = fields.OneToOneField(
        "tenancy.Brand", related_name=False, on_delete=fields.CASCADE
    )
    # The mini-program opens this URL (registered as its QR-code prefix) with ?c=<code>.
    invite_url_base = fields.CharField(max_length=200, default="https://mp.example.com/r")
    allow_guide_switch = fields.BooleanField(default=False)
    switch_after_days = fields.IntField(default=90)
    lapsed_after_days = fields.IntField(default=90)
    vip_revenue_cents = fields.BigIntField(default=200_000)
    # A loyal customer (insight's repurchase report): at least this many purchases in these months.
    # Database defaults too: the columns were added to a table that already had rows.
    loyal_purchases = fields.IntField(default=3, db_default=3)
    loyal_months = fields.IntField(default=6, db_default=6)

    brand_id: int

    class Meta:
        table = "referral_policy"
