from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import ConsentSource, SubscribeResult

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class SubscribeConsent(Model):
    """One answer of a member to WeChat's subscribe-message popup for one template. WeChat lets a
    mini-program send one subscribe message per acceptance: an ACCEPT row not yet used or voided is
    one send credit (referral/services/consent.py). The client reports the answer and WeChat pushes it
    too; the second report of the same answer pairs with the first instead of adding a credit."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    template_id = fields.CharField(max_length=64)
    result = fields.CharEnumField(SubscribeResult, max_length=8)
    source = fields.CharEnumField(ConsentSource, max_length=8)
    # The client's idempotency key: a retried report records nothing new.
    request_key = fields.CharField(max_length=128, null=True)
    # Set when the other source reported the same answer (so it is not counted twice).
    paired = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    message_id = fields.BigIntField(null=True)
    # WeChat said the acceptance was not there (43101), or the member turned the template off.
    voided_at = fields.DatetimeField(null=True)

    brand_id: int
    member_id: int

    class Meta:
        table = "subscribe_consent"
        unique_together = (("member_id", "template_id", "request_key"),)
        indexes = (("member_id", "template_id", "used_at"),)
