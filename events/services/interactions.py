"""Polls, quiz questions and lucky draws during an event. Members who checked in take part, once
each; staff open, close and draw.

The draw is auditable: a random seed is fixed when the draw is created and only its SHA-256 is
shown; drawing reveals the seed with the winners and the ordered candidate list it used (the
checked-in members, by ascending member number). Winners are the candidates at the positions
`random.Random(seed).sample(range(len(candidates)), prizes)` picks, so anyone holding the seed and
the published list, as published, redoes the draw with no knowledge of our numbering (`replay_draw`).
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from events.errors import EventError, EventErrorCode as Code
from events.models import Event, Interaction, InteractionAnswer, InteractionKind, Registration
from events.services import events as events_service, signups
from events.steps import EventStep, StepReached
from referral.models import TouchKind
from referral.services import touches

T = TypeVar("T")

MAX_OPTIONS = 10
MAX_PRIZES = 100


def of_event(*, event_id: int) -> QuerySet[Interaction]:
    return Interaction.filter(event_id=event_id)


async def visible(*, event: Event, member_id: int | None, staff: bool) -> list[Interaction]:
    """The event's interactions for its staff, and for members signed up for it; none for others."""
    if not staff and not (member_id and await signups.is_signed_up(event=event, member_id=member_id)):
        return []
    return await of_event(event_id=event.id).order_by("id")


def results_visible(interaction: Interaction, *, staff: bool) -> bool:
    """Staff see the tally and the quiz answer while a question is open; members once it is closed."""
    return staff or interaction.closed_at is not None


def seed_hash(interaction: Interaction) -> str | None:
    return hashlib.sha256(interaction.seed.encode()).hexdigest() if interaction.seed else None


def replay_draw(seed: str, candidates: Sequence[T], prize_count: int) -> list[T]:
    """The winners a seed gives among the candidates, in the order given: the whole algorithm, for
    auditors (it works as well on the opaque IDs the API publishes as on member numbers)."""
    picked = random.Random(seed).sample(range(len(candidates)), min(prize_count, len(candidates)))
    return [candidates[i] for i in picked]


async def create(
    *,
    brand_id: int,
    event_id: int,
    store_scope: int | None,
    kind: InteractionKind,
    question: str,
    options: list[str],
    correct_option: int | None,
    prize_count: int,
    now: datetime,
) -> Interaction:
    """Raises EVENT_NOT_FOUND or INTERACTION_INVALID naming the field."""
    event = await events_service.get_managed(brand_id=brand_id, event_id=event_id, store_scope=store_scope)
    question = question.strip()
    options = [o.strip() for o in options]
    answerable = kind is not InteractionKind.DRAW
    checks = [
        (1 <= len(question) <= 200, "question", "A question (or the draw's name) of 1-200 characters."),
        (
            not answerable or 2 <= len(options) <= MAX_OPTIONS and all(1 <= len(o) <= 80 for o in options),
            "options",
            f"2 to {MAX_OPTIONS} options of 1-80 characters.",
        ),
        (
            (kind is InteractionKind.QUIZ) == (correct_option is not None),
            "correct_option",
            "A quiz, and only a quiz, has a correct option.",
        ),
        (
            correct_option is None or 0 <= correct_option < len(options),
            "correct_option",
            "The correct option must be one of the options.",
        ),
        (
            (kind is InteractionKind.DRAW) == (1 <= prize_count <= MAX_PRIZES),
            "prize_count",
            f"A draw has 1 to {MAX_PRIZES} prizes.",
        ),
    ]
    for ok, field, message in checks:
        if not ok:
            raise EventError(Code.INTERACTION_INVALID, message, field)
    return await Interaction.create(
        brand_id=brand_id,
        event_id=event.id,
        kind=kind,
        question=question,
        options=options if answerable else [],
        correct_option=correct_option,
        prize_count=prize_count if kind is InteractionKind.DRAW else 0,
        seed=secrets.token_hex(16) if kind is InteractionKind.DRAW else None,
        created_at=now,
    )


async def answer(
    *, brand_id: int, interaction_id: int, member_id: int, option: int, now: datetime, on_step: StepReached
) -> InteractionAnswer:
    """A checked-in member answers a poll or quiz, once. Raises INTERACTION_NOT_FOUND,
    INTERACTION_CLOSED, INTERACTION_INVALID, NOT_CHECKED_IN or ALREADY_ANSWERED."""
    interaction = await _get(brand_id, interaction_id)
    if interaction.kind is InteractionKind.DRAW:
        raise EventError(Code.INTERACTION_INVALID, "A draw is not answered.", "interaction_id")
    if interaction.closed_at is not None:
        raise EventError(Code.INTERACTION_CLOSED, "This question is closed.", "interaction_id")
    if not 0 <= option < len(interaction.options):
        raise EventError(Code.INTERACTION_INVALID, "Pick one of the options.", "option")
    if not await Registration.exists(event_id=interaction.event_id, member_id=member_id, checked_in_at__isnull=False):
        raise EventError(Code.NOT_CHECKED_IN, "Check in at the event to take part.", "interaction_id")
    correct = option == interaction.correct_option if interaction.kind is InteractionKind.QUIZ else None
    try:
        async with in_transaction() as conn:
            row = await InteractionAnswer.create(
                interaction_id=interaction.id,
                member_id=member_id,
                option=option,
                correct=correct,
                answered_at=now,
                using_db=conn,
            )
            await touches.record(
                brand_id=brand_id,
                member_id=member_id,
                kind=TouchKind.EVENT_INTERACTION,
                at=now,
                attribute=True,
                event_ref=f"event:{interaction.event_id}",
                source=f"answer:{row.id}",
                conn=conn,
            )
            await on_step(
                conn,
                brand_id=brand_id,
                member_id=member_id,
                step=EventStep.INTERACTION,
                key=f"answer:{interaction.id}:{member_id}",
                now=now,
            )
    except IntegrityError:
        raise EventError(Code.ALREADY_ANSWERED, "You have already answered.", "interaction_id") from None
    return row


async def close(*, brand_id: int, interaction_id: int, store_scope: int | None, now: datetime) -> Interaction:
    interaction = await _managed(brand_id, interaction_id, store_scope)
    await Interaction.filter(id=interaction.id, closed_at__isnull=True).update(closed_at=now)
    return await Interaction.get(id=interaction.id)


async def draw(*, brand_id: int, interaction_id: int, store_scope: int | None, now: datetime) -> Interaction:
    """Draw the winners among the members checked in now, once. Raises INTERACTION_INVALID (not a
    draw, nobody checked in) or ALREADY_DRAWN."""
    interaction = await _managed(brand_id, interaction_id, store_scope)
    if interaction.kind is not InteractionKind.DRAW or interaction.seed is None:
        raise EventError(Code.INTERACTION_INVALID, "Only a lucky draw can be drawn.", "interaction_id")
    present = await Registration.filter(event_id=interaction.event_id, checked_in_at__isnull=False).values_list(
        "member_id", flat=True
    )
    if not present:
        raise EventError(Code.INTERACTION_INVALID, "Nobody has checked in yet.", "interaction_id")
    candidates = sorted(set(present))
    winners = replay_draw(interaction.seed, candidates, interaction.prize_count)
    # Conditional: of two racing draws, one writes the winners, the other is refused.
    drawn = await Interaction.filter(id=interaction.id, drawn_at__isnull=True).update(
        winners={"members": winners, "candidates": candidates}, drawn_at=now, closed_at=now
    )
    if not drawn:
        raise EventError(Code.ALREADY_DRAWN, "This draw has already been made.", "interaction_id")
    return await Interaction.get(id=interaction.id)


async def answer_counts(interaction_ids: Sequence[int]) -> dict[int, Counter[int]]:
    """Answers per option of each interaction, in one query."""
    rows = await InteractionAnswer.filter(interaction_id__in=list(interaction_ids)).values_list(
        "interaction_id", "option"
    )
    counts: dict[int, Counter[int]] = {i: Counter() for i in interaction_ids}
    for interaction_id, option in rows:
        counts[interaction_id][option] += 1
    return counts


async def _get(brand_id: int, interaction_id: int) -> Interaction:
    interaction = await Interaction.get_or_none(id=interaction_id, brand_id=brand_id)
    if interaction is None:
        raise EventError(Code.INTERACTION_NOT_FOUND, "No such interaction.", "interaction_id")
    return interaction


async def _managed(brand_id: int, interaction_id: int, store_scope: int | None) -> Interaction:
    interaction = await _get(brand_id, interaction_id)
    await events_service.get_managed(brand_id=brand_id, event_id=interaction.event_id, store_scope=store_scope)
    return interaction
