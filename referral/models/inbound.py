from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import MessageChannel

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class InboundMessage(Model):
    """What a member wrote to the brand over WeChat or LINE, kept for two-way messaging."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    channel = fields.CharEnumField(MessageChannel, max_length=8)
    # The platform's id of the message: a push delivered twice is stored once.
    platform_id = fields.CharField(max_length=64)
    text = fields.TextField()
    # LINE's reply token (valid about a minute): a reply through it costs no push quota.
    reply_token = fields.CharField(max_length=64, null=True)
    received_at = fields.DatetimeField()

    brand_id: int
    member_id: int

    class Meta:
        table = "inbound_message"
        unique_together = (("brand", "channel", "platform_id"),)
        indexes = (("member_id", "received_at"),)
