"""Events and who may see them."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Store, Tag


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    ALL = "all"  # every member of the brand
    TAG = "tag"  # members with a tag
    STORE = "store"  # members bound to a store's guides


class Event(Model):
    """A community event run by HQ or by a store. Counters are kept in the row and changed by
    conditional UPDATEs, so capacity holds under any concurrency."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    # The store that runs it; null for an HQ event.
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    cover_url = fields.CharField(max_length=300, null=True)
    place = fields.CharField(max_length=200, null=True)
    online_url = fields.CharField(max_length=300, null=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    signup_opens_at = fields.DatetimeField()
    signup_closes_at = fields.DatetimeField()
    # Members may cancel until then; after it a cancellation is refused (the seat is planned for).
    cancel_deadline = fields.DatetimeField()
    # Check-in opens this many minutes before the start and closes at the end.
    check_in_opens_minutes = fields.IntField(default=60)
    capacity = fields.IntField()
    allow_walk_ins = fields.BooleanField(default=False)
    audience = fields.CharEnumField(Audience, max_length=8, default=Audience.ALL)
    audience_tag: fields.ForeignKeyNullableRelation["Tag"] = fields.ForeignKeyField(
        "referral.Tag", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    audience_store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # Sign-up questions: [{"key": "baby_age_months", "label": "...", "kind": "int"|"text"|"choice",
    # "required": bool, "choices": [...], "min": n, "max": n}]
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    status = fields.CharEnumField(EventStatus, max_length=10, default=EventStatus.DRAFT)
    confirmed_count = fields.IntField(default=0)
    # Hands out waitlist positions in order: incremented in the sign-up's transaction.
    waitlist_seq = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    brand_id: int
    store_id: int | None
    audience_tag_id: int | None
    audience_store_id: int | None

    class Meta:
        table = "event"
        indexes = (("brand_id", "starts_at"),)
        constraints = (
            CheckConstraint(check="confirmed_count >= 0 AND confirmed_count <= capacity", name="event_within_capacity"),
        )
