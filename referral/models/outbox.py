from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import MessageChannel, MessageKind, MessageStatus

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class Message(Model):
    """A notification to send, written in the same transaction as the change it reports. A worker
    delivers it. (brand, dedupe_key) is unique, so the same news is queued once."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(MessageKind, max_length=24)
    # The facts the texts are rendered from at send time (referral/notices). Messages queued before
    # the catalogue hold the text itself: {"title", "text", "page", "fields"}.
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField()
    dedupe_key = fields.CharField(max_length=100)
    # Chosen when queued, from the member's sign-ins; null when they have none we can reach.
    channel = fields.CharEnumField(MessageChannel, max_length=8, null=True)
    recipient = fields.CharField(max_length=128, null=True)
    # LINE's X-Line-Retry-Key: LINE accepts a retried push once, so a LINE message may be resent.
    retry_key = fields.UUIDField()
    status = fields.CharEnumField(MessageStatus, max_length=8, default=MessageStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # A worker's lease on a message it is sending; an expired lease means the worker died mid-send.
    leased_until = fields.DatetimeField(null=True)
    # Set just before a WeChat request goes out: after a crash, a message never handed over is
    # safe to send again, one handed over may have arrived.
    handed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    # WeChat's msgid for a sent subscribe message: its delivery receipt names it.
    platform_id = fields.CharField(max_length=64, null=True)
    last_error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()

    brand_id: int
    member_id: int

    class Meta:
        table = "message"
        unique_together = (("brand", "dedupe_key"),)
        indexes = (("status", "next_attempt_at"), ("brand_id", "platform_id"))
