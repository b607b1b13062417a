"""Sign-ups, invitations and check-ins."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from events.models import Event
    from foundation.tenancy.models import Brand
    from referral.models import Guide, Member


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Registration(Model):
    """One member's place at one event: unique (event, member), so a double tap signs up once."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyRelation["Event"] = fields.ForeignKeyField(
        "events.Event", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(RegistrationStatus, max_length=10)
    # Order on the waitlist (from the event's counter); null once confirmed from the start.
    waitlist_position = fields.IntField(null=True)
    answers: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # The guide whose invitation led here, if any: the sign-up is credited to them.
    invited_by: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # What the ticket QR holds: a guide scans it at the door.
    ticket_code = fields.CharField(max_length=16)
    signed_up_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    # A walk-in is checked in without having signed up.
    walk_in = fields.BooleanField(default=False)

    brand_id: int
    event_id: int
    member_id: int
    invited_by_id: int | None

    class Meta:
        table = "registration"
        unique_together = (("event", "member"), ("brand", "ticket_code"))
        indexes = (("event_id", "status", "waitlist_position"), ("member_id", "signed_up_at"))


class Invitation(Model):
    """A guide invited one of their members to an event (once per guide, event and member)."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyRelation["Event"] = fields.ForeignKeyField(
        "events.Event", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    guide: fields.ForeignKeyRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, on_delete=fields.RESTRICT
    )
    invited_at = fields.DatetimeField()

    brand_id: int
    event_id: int
    member_id: int
    guide_id: int

    class Meta:
        table = "invitation"
        unique_together = (("event", "member", "guide"),)
