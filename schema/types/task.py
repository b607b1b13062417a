"""Guide tasks as GraphQL: what HQ asks of guides, and what each guide did."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from reach.models import (
    GuideTask as GuideTaskModel,
    TaskList as TaskListModel,
    TaskOutcome as TaskOutcomeValue,
    TaskStatus as TaskStatusValue,
)
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.member import Member
from schema.types.node import Node

TaskStatus = client_enum(
    TaskStatusValue,
    "Whether a task is still to do.",
    {TaskStatusValue.OPEN: "Still to do.", TaskStatusValue.DONE: "Done, with an outcome."},
)
TaskOutcome = client_enum(
    TaskOutcomeValue,
    "What came of a task.",
    {
        TaskOutcomeValue.REACHED: "The guide spoke with the member.",
        TaskOutcomeValue.BOUGHT: "The guide spoke with the member, who bought.",
        TaskOutcomeValue.NO_ANSWER: "The member could not be reached.",
        TaskOutcomeValue.DECLINED: "The member did not want to hear about it.",
        TaskOutcomeValue.WRONG_CONTACT: "The contact details were wrong.",
    },
)


@strawberry.type(description="One thing a guide is asked to do for one of their members.")
class GuideTask(Node):
    row: strawberry.Private[GuideTaskModel]

    @strawberry.field(description="Global id of the task.")
    def id(self) -> strawberry.ID:
        return ids.encode("GuideTask", self.row.id)

    title = column(str, description="What to do.")
    note = column(str | None, description="HQ's note (what to say, what to offer).")
    due_at = column(datetime | None, description="When it should be done by.")
    outcome_note = column(str | None, description="The guide's note on what happened.")
    created_at = column(datetime, description="When it was given.")
    done_at = column(datetime | None, description="When the guide marked it done.")

    @strawberry.field(description="Still to do, or done.")
    def status(self) -> TaskStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

    @strawberry.field(description="What came of it; null while open.")
    def outcome(self) -> TaskOutcome | None:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.outcome

    @strawberry.field(description="The member it is about.")
    async def member(self, info: Info) -> Member | None:
        found = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=found) if found else None


@strawberry.type(description="Tasks made from a segment: one per member who has a guide.")
class TaskList:
    row: strawberry.Private[TaskListModel]

    title = column(str, description="What each guide is asked to do.")
    assigned = column(int, description="Tasks made (members of the segment with an active guide).")
    unassigned = column(int, description="Members of the segment without an active guide: no task.")
    created_at = column(datetime, description="When it was made.")
