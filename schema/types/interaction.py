from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from events.models import Interaction as InteractionModel, InteractionKind as KindValue
from events.services import interactions
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.node import Node

InteractionKind = client_enum(
    KindValue,
    "What kind of live interaction an event runs.",
    {
        KindValue.POLL: "A question without a right answer.",
        KindValue.QUIZ: "A question with a correct option.",
        KindValue.DRAW: "A prize draw among checked-in members.",
    },
)


@strawberry.type(description="A poll, quiz question or lucky draw during an event.")
class EventInteraction(Node):
    row: strawberry.Private[InteractionModel]
    # Whether the caller is the event's staff (what they may see: interactions.results_visible).
    staff: strawberry.Private[bool]

    @strawberry.field(description="Global id of the interaction.")
    def id(self) -> strawberry.ID:
        return ids.encode("Interaction", self.row.id)

    kind = column(InteractionKind, description="Poll, quiz or draw.")

    question = column(str, description="The question or the draw's title.")

    @strawberry.field(description="The answers to choose from (empty for a draw).")
    def options(self) -> list[str]:
        return list(self.row.options)

    closed_at = column(datetime | None, description="When it stopped taking answers; null while open.")

    prize_count = column(int, description="How many winners a draw picks (0 for a poll or quiz).")

    @strawberry.field(description="Answers per option; null until you may see them.")
    async def tally(self, info: Info) -> list[int] | None:
        if not interactions.results_visible(self.row, staff=self.staff):
            return None
        counts = await info.context.loaders.answer_counts.load(self.row.id)
        return [counts[i] for i in range(len(self.row.options))]

    @strawberry.field(description="For a quiz, once closed.")
    def correct_option(self) -> int | None:
        return self.row.correct_option if interactions.results_visible(self.row, staff=self.staff) else None

    @strawberry.field(description="A draw's SHA-256 of its seed, shown before the draw: the commitment.")
    def seed_hash(self) -> str | None:
        return interactions.seed_hash(self.row)

    @strawberry.field(description="Revealed with the winners; sha256(seed) must equal seedHash.")
    def seed(self) -> str | None:
        return self.row.seed if self.row.drawn_at else None

    @strawberry.field(
        description=(
            "Every member checked in at the draw, in the order the draw used: the winners are "
            "[candidateIds[i] for i in random.Random(seed).sample(range(len(candidateIds)), prizeCount)] (Python 3). "
            "Keep this order; do not sort the IDs."
        )
    )
    def candidate_ids(self) -> list[strawberry.ID] | None:
        return [ids.encode("Member", m) for m in self.row.winners["candidates"]] if self.row.winners else None

    @strawberry.field(description="The members a draw picked; null until drawn.")
    def winner_ids(self) -> list[strawberry.ID] | None:
        return [ids.encode("Member", m) for m in self.row.winners["members"]] if self.row.winners else None


@strawberry.input(description="A poll, quiz or draw to run during an event.")
class InteractionInput:
    kind: InteractionKind = strawberry.field(description="Poll, quiz or draw.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    question: str
    options: list[str] = strawberry.field(default_factory=list)
    correct_option: int | None = strawberry.field(
        default=None, description="For a quiz: the index of the right option."
    )
    prize_count: int = strawberry.field(default=0, description="For a draw: how many winners.")
