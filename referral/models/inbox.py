from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import MessageKind

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class InboxItem(Model):
    """A notice in a member's in-app inbox, written with the outbox message that pushes it (or alone,
    when the member cannot be pushed). It keeps the facts, not the text: the text is rendered in
    the member's locale and the brand's time zone when it is read (referral/notices)."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(MessageKind, max_length=24)
    params: fields.JSONField[dict[str, Any]] = fields.JSONField()
    dedupe_key = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    brand_id: int
    member_id: int

    class Meta:
        table = "inbox_item"
        unique_together = (("brand", "dedupe_key"),)
        indexes = (("member_id", "read_at"),)
