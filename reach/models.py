"""Reach models. Tortoise discovers every model imported here."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from loyalty.models import CouponTemplate
    from referral.models import Guide, Member


class Segment(Model):
    """A saved filter: conditions (reach/condition_json.py) evaluated when used, never a stored list."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    definition: fields.JSONField[dict[str, Any]] = fields.JSONField()
    # "staff:<id>" for HQ and store managers, "guide:<id>" for a guide.
    created_by = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "segment"
        unique_together = (("brand", "name"),)

    def __repr__(self) -> str:
        return f"<Segment {self.id}>"


class BroadcastStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its send time; may be cancelled
    QUEUED = "queued"  # the audience is fixed; its messages are being written to the outbox
    SENT = "sent"  # every message is in the outbox (the outbox delivers them at its rate)
    CANCELLED = "cancelled"


class AudienceGroup(StrEnum):
    RECIPIENT = "recipient"
    HOLDOUT = "holdout"  # chosen at random (seeded), sent nothing: the comparison for the lift


class SkipReason(StrEnum):
    NO_MARKETING_CONSENT = "no_marketing_consent"
    FREQUENCY_CAP = "frequency_cap"
    COUPON_UNAVAILABLE = "coupon_unavailable"  # the template ran out, or the member holds as many as allowed
    CONSENT_WITHDRAWN = "consent_withdrawn"  # withdrawn between queueing and delivery


class Broadcast(Model):
    """A message from the brand to a segment at a time. Its audience is fixed when it is sent
    (broadcast_recipient), so the report and the lift refer to exactly those members."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "reach.Segment", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=40)
    # With {name}, {guide}, {points} and {coupon}, filled in per member when queued.
    body = fields.CharField(max_length=500)
    # The words in the brand's other locales, {locale: {"title", "body"}}: a member whose locale has
    # its own words gets them; everyone else gets title and body (the brand's default locale).
    translations: fields.JSONField[dict[str, dict[str, str]] | None] = fields.JSONField(null=True)
    page = fields.CharField(max_length=200, null=True)
    coupon_template: fields.ForeignKeyNullableRelation["CouponTemplate"] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    send_at = fields.DatetimeField()
    # Minutes after local midnight (the brand's zone) when nothing is pushed; the window may wrap midnight.
    quiet_from = fields.IntField(null=True)
    quiet_to = fields.IntField(null=True)
    # A member who received this many broadcasts in the 7 days before is skipped.
    frequency_cap = fields.IntField()
    holdout_percent = fields.IntField(default=0)
    holdout_seed = fields.BigIntField()
    conversion_days = fields.IntField(default=14)
    status = fields.CharEnumField(BroadcastStatus, max_length=10, default=BroadcastStatus.SCHEDULED)
    audience = fields.IntField(null=True)
    created_by = fields.CharField(max_length=40)
    idempotency_key = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()
    queued_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    brand_id: int
    segment_id: int
    coupon_template_id: int | None

    class Meta:
        table = "broadcast"
        unique_together = (("brand", "idempotency_key"),)
        indexes = (("status", "send_at"),)

    def __repr__(self) -> str:
        return f"<Broadcast {self.id}>"


class BroadcastRecipient(Model):
    """One member of a broadcast's audience as it stood when sent. (broadcast, member) is unique: a
    member is written once whatever happens to the worker. Delivery state is the outbox message's,
    found by its dedupe key (reach.broadcasts.message_key)."""

    id = fields.BigIntField(primary_key=True)
    broadcast: fields.ForeignKeyRelation[Broadcast] = fields.ForeignKeyField(
        "reach.Broadcast", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    audience_group = fields.CharEnumField(AudienceGroup, max_length=10)
    skip_reason = fields.CharEnumField(SkipReason, max_length=24, null=True)
    # True once its message is in the outbox (and its coupon issued, under the message's key).
    queued = fields.BooleanField(default=False)

    broadcast_id: int
    member_id: int

    class Meta:
        table = "broadcast_recipient"
        unique_together = (("broadcast", "member"),)
        indexes = (("member_id", "queued"),)


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class TaskOutcome(StrEnum):
    REACHED = "reached"  # spoke with the member
    BOUGHT = "bought"  # and they bought
    NO_ANSWER = "no_answer"
    DECLINED = "declined"  # they did not want to hear about it
    WRONG_CONTACT = "wrong_contact"


class TaskList(Model):
    """HQ (or a store manager) turned a segment into one task per member, for the member's guide."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "reach.Segment", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=80)
    note = fields.CharField(max_length=500, null=True)
    due_at = fields.DatetimeField(null=True)
    # Members of the segment who had a guide (one task each), and those who had none (no task).
    assigned = fields.IntField(default=0)
    unassigned = fields.IntField(default=0)
    created_by = fields.CharField(max_length=40)
    idempotency_key = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()

    brand_id: int
    segment_id: int

    class Meta:
        table = "task_list"
        unique_together = (("brand", "idempotency_key"),)


class GuideTask(Model):
    """One thing a guide is asked to do for one of their members ("call about stage 2"). `source` is
    unique in the brand: a task list or a journey step makes a member's task once, whatever retries."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    guide: fields.ForeignKeyRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=80)
    note = fields.CharField(max_length=500, null=True)
    due_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(TaskStatus, max_length=8, default=TaskStatus.OPEN)
    outcome = fields.CharEnumField(TaskOutcome, max_length=16, null=True)
    outcome_note = fields.CharField(max_length=500, null=True)
    source = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    done_at = fields.DatetimeField(null=True)

    brand_id: int
    guide_id: int
    member_id: int

    class Meta:
        table = "guide_task"
        unique_together = (("brand", "source"),)
        indexes = (("guide_id", "status"),)


class RunStatus(StrEnum):
    ACTIVE = "active"  # a step is due at next_at
    DONE = "done"  # every step ran
    EXITED = "exited"  # a condition step did not hold


class Journey(Model):
    """An automated sequence: a trigger starts a run for a member, the steps run in order
    (reach/journey_definition.py). Its steps never change once members are in it."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    definition: fields.JSONField[dict[str, Any]] = fields.JSONField()
    active = fields.BooleanField(default=True)
    # Triggers count from here: switching a journey on does not sweep up everyone's past.
    active_since = fields.DatetimeField()
    created_by = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "journey"
        unique_together = (("brand", "name"),)


class JourneyRun(Model):
    """One member's way through a journey for one occurrence of its trigger (the baby's birth date,
    the last claim, the event): (journey, member, occurrence) is unique, so a member enters once per
    occurrence however often the trigger is evaluated. `step` is the next step to run."""

    id = fields.BigIntField(primary_key=True)
    journey: fields.ForeignKeyRelation[Journey] = fields.ForeignKeyField(
        "reach.Journey", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    occurrence = fields.CharField(max_length=64)
    step = fields.IntField(default=0)
    status = fields.CharEnumField(RunStatus, max_length=8, default=RunStatus.ACTIVE)
    next_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    journey_id: int
    member_id: int

    class Meta:
        table = "journey_run"
        unique_together = (("journey", "member", "occurrence"),)
        indexes = (("status", "next_at"),)


class ConversationStatus(StrEnum):
    WAITING = "waiting"  # the member wrote last: for their guide to answer
    ANSWERED = "answered"


class Direction(StrEnum):
    IN = "in"  # the member wrote
    OUT = "out"  # the brand answered (a keyword reply, a guide, HQ)


class KeywordMatch(StrEnum):
    EXACT = "exact"
    CONTAINS = "contains"


class Conversation(Model):
    """A member's thread with the brand, one per member, across WeChat and LINE."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    # The guide who answers: the member's when the conversation last went to a guide.
    guide_id = fields.IntField(null=True)
    status = fields.CharEnumField(ConversationStatus, max_length=10, default=ConversationStatus.WAITING)
    last_at = fields.DatetimeField()

    brand_id: int
    member_id: int

    class Meta:
        table = "conversation"
        unique_together = (("brand", "member"),)
        indexes = (("guide_id", "last_at"), ("brand_id", "last_at"))


class ConversationMessage(Model):
    """One message of a conversation: the member's (a copy of the inbound message, once) or an answer."""

    id = fields.BigIntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "reach.Conversation", related_name=False, on_delete=fields.CASCADE
    )
    direction = fields.CharEnumField(Direction, max_length=4)
    channel = fields.CharField(max_length=8, null=True)  # wechat, line; null: the in-app inbox
    text = fields.TextField()
    # Who answered: "keyword:<id>", "guide:<id>", "staff:<id>"; null for the member's own.
    author = fields.CharField(max_length=40, null=True)
    # How an answer went: reply_token, push, customer_service, inbox.
    via = fields.CharField(max_length=20, null=True)
    inbound_id = fields.BigIntField(null=True, unique=True)
    request_key = fields.CharField(max_length=64, null=True, unique=True)
    at = fields.DatetimeField()

    conversation_id: int

    class Meta:
        table = "conversation_message"
        indexes = (("conversation_id", "at"),)


class KeywordReply(Model):
    """HQ's automatic answer to a member's message that is (or contains) a keyword, per locale."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    keyword = fields.CharField(max_length=40)
    match = fields.CharEnumField(KeywordMatch, max_length=8)
    locale = fields.CharField(max_length=16, null=True)  # null: any locale
    reply = fields.CharField(max_length=500)
    created_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "keyword_reply"
        unique_together = (("brand", "keyword", "match", "locale"),)


__all__ = [
    "AudienceGroup",
    "Conversation",
    "ConversationMessage",
    "ConversationStatus",
    "Direction",
    "KeywordMatch",
    "KeywordReply",
    "Broadcast",
    "BroadcastRecipient",
    "BroadcastStatus",
    "GuideTask",
    "Journey",
    "JourneyRun",
    "RunStatus",
    "Segment",
    "SkipReason",
    "TaskList",
    "TaskOutcome",
    "TaskStatus",
]
