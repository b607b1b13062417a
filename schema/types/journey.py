"""Journeys as GraphQL: the definition as JSON (reach/journey_definition.py documents it) and how
many members are at each point."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from reach import journeys
from reach.models import Journey as JourneyModel, RunStatus
from schema import ids
from schema.columns import column
from schema.types.node import Node


@strawberry.type(description="Members' runs through a journey, by where they are.")
class JourneyRuns:
    active: int = strawberry.field(description="Waiting for a step.")
    done: int = strawberry.field(description="Through every step.")
    exited: int = strawberry.field(description="Left at a condition that did not hold.")


@strawberry.type(description="An automated sequence: a trigger starts it for a member, its steps run in order.")
class Journey(Node):
    row: strawberry.Private[JourneyModel]

    @strawberry.field(description="Global id of the journey.")
    def id(self) -> strawberry.ID:
        return ids.encode("Journey", self.row.id)

    name = column(str, description="HQ's name for it.")
    active = column(bool, description="Whether its trigger starts new runs (runs already going go on).")
    active_since = column(datetime, description="Triggers that occurred from then on count.")

    @strawberry.field(description='{"trigger": {...}, "steps": [...]}, coupon templates by id.')
    def definition(self) -> JSON:
        return self.row.definition

    @strawberry.field(description="How many members are where.")
    async def runs(self) -> JourneyRuns:
        counts = await journeys.run_counts(self.row.id)
        return JourneyRuns(
            active=counts[RunStatus.ACTIVE], done=counts[RunStatus.DONE], exited=counts[RunStatus.EXITED]
        )
