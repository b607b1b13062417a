"""What a guide reads of their tasks."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from reach import tasks
from reach.models import TaskStatus as TaskStatusValue
from schema.arguments import After, First
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.permissions import IsGuide, require_caller
from schema.types.task import GuideTask, TaskStatus


@strawberry.type
class TaskQueries:
    @strawberry.field(permission_classes=[IsGuide], description="Your tasks, oldest first (open ones by default).")
    async def my_tasks(
        self,
        info: Info,
        status: Annotated[
            TaskStatus | None, strawberry.argument(description="Only these; all if null.")
        ] = TaskStatusValue.OPEN,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> Connection[GuideTask] | None:
        caller = require_caller(info)
        return await paginate(
            tasks.of_guide(
                brand_id=caller.brand_id,
                guide_id=caller.guide_id or 0,
                status=TaskStatusValue(status.value) if status else None,
            ),
            first=first,
            after=after,
            to_node=lambda row: GuideTask(row=row),
        )
