"""HQ and store managers give guides tasks; guides close theirs and message their own members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty import idempotency
from reach import guide_messages, tasks
from reach.models import TaskOutcome as TaskOutcomeValue
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsGuide, IsStoreStaff, require_caller, segment_scope
from schema.types.broadcast import Route, route_of
from schema.types.task import GuideTask, TaskList, TaskOutcome

Key = Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)]


@strawberry.type(description="The tasks made, or why the request was refused.")
class TaskListPayload:
    task_list: TaskList | None = strawberry.field(default=None, description="What was made; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="The task, or why the request was refused.")
class GuideTaskPayload:
    task: GuideTask | None = strawberry.field(default=None, description="The task; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="Where the guide's message went, or why it was refused.")
class GuideMessagePayload:
    route: Route | None = strawberry.field(default=None, description="The way it goes; null when refused.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    errors: list[UserError] = refusals()


@strawberry.type
class TaskMutations:
    @strawberry.mutation(
        permission_classes=[IsStoreStaff],
        description="Give each member the segment holds now (a store manager: of their store) a task for their "
        "guide. Members without an active guide get none (counted in unassigned).",
    )
    @mutation_payload
    async def create_guide_tasks(
        self,
        info: Info,
        segment_id: Annotated[strawberry.ID, strawberry.argument(description="Whose guides get tasks.")],
        title: Annotated[str, strawberry.argument(description="What to do, 1-80 characters.")],
        note: Annotated[str | None, strawberry.argument(description="What to say or offer, up to 500.")] = None,
        due_at: Annotated[datetime | None, strawberry.argument(description="Done by, with its offset.")] = None,
        idempotency_key: Key = None,
    ) -> TaskListPayload | None:
        caller = require_caller(info)
        made = await tasks.from_segment(
            scope=segment_scope(caller),
            segment_id=ids.decode(segment_id, "Segment", field="segmentId"),
            title=title,
            note=note,
            due_at=due_at,
            created_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return TaskListPayload(task_list=TaskList(row=made))

    @strawberry.mutation(permission_classes=[IsGuide], description="Mark one of your tasks done, with what came of it.")
    @mutation_payload
    async def complete_task(
        self,
        info: Info,
        task_id: Annotated[strawberry.ID, strawberry.argument(description="The task.")],
        outcome: Annotated[TaskOutcome, strawberry.argument(description="What came of it.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        note: Annotated[str | None, strawberry.argument(description="What happened, up to 500.")] = None,
    ) -> GuideTaskPayload | None:
        caller = require_caller(info)
        done = await tasks.complete(
            brand_id=caller.brand_id,
            guide_id=caller.guide_id or 0,
            task_id=ids.decode(task_id, "GuideTask", field="taskId"),
            outcome=TaskOutcomeValue(outcome.value),
            note=note,
            now=info.context.now(),
        )
        return GuideTaskPayload(task=GuideTask(row=done))

    @strawberry.mutation(
        permission_classes=[IsGuide],
        description="Message one of your own members who agreed to it (LINE, a WeChat acceptance, else their inbox); "
        "at most 3 a day to one member.",
    )
    @mutation_payload
    async def message_my_member(
        self,
        info: Info,
        member_id: Annotated[strawberry.ID, strawberry.argument(description="One of your members.")],
        text: Annotated[str, strawberry.argument(description="1-500 characters.")],
        idempotency_key: Key = None,
    ) -> GuideMessagePayload | None:
        caller = require_caller(info)
        channel = await guide_messages.send(
            brand_id=caller.brand_id,
            guide_id=caller.guide_id or 0,
            member_id=ids.decode(member_id, "Member", field="memberId"),
            text=text,
            now=info.context.now(),
            idempotency_key=idempotency_key,
        )
        return GuideMessagePayload(route=route_of(channel))
