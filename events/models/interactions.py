"""Interactions during an event: a poll, a quiz question, or a lucky draw among those checked in."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from events.models import Event
    from foundation.tenancy.models import Brand
    from referral.models import Member


class InteractionKind(StrEnum):
    POLL = "poll"
    QUIZ = "quiz"
    DRAW = "draw"


class Interaction(Model):
    """One interaction. A draw commits to its seed when created (only the seed's SHA-256 is shown)
    and reveals it with the winners, so anyone can redo the draw and check it."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyRelation["Event"] = fields.ForeignKeyField(
        "events.Event", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(InteractionKind, max_length=8)
    question = fields.CharField(max_length=200)
    options: fields.JSONField[list[str]] = fields.JSONField(default=list)
    correct_option = fields.IntField(null=True)
    prize_count = fields.IntField(default=0)
    seed = fields.CharField(max_length=64, null=True)
    winners: fields.JSONField[list[int] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    drawn_at = fields.DatetimeField(null=True)

    brand_id: int
    event_id: int

    class Meta:
        table = "interaction"


class InteractionAnswer(Model):
    """A member's answer: unique (interaction, member), so each member answers once."""

    id = fields.BigIntField(primary_key=True)
    interaction: fields.ForeignKeyRelation["Interaction"] = fields.ForeignKeyField(
        "events.Interaction", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    option = fields.IntField()
    correct = fields.BooleanField(null=True)
    answered_at = fields.DatetimeField()

    interaction_id: int
    member_id: int

    class Meta:
        table = "interaction_answer"
        unique_together = (("interaction", "member"),)
