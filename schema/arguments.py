"""Argument types several operations share, with the documentation clients read in the schema."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from loyalty import idempotency

IdempotencyKey = Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)]


From = Annotated[datetime, strawberry.argument(name="from", description="Start of the period (inclusive).")]
To = Annotated[datetime, strawberry.argument(description="End of the period (exclusive).")]

First = Annotated[int, strawberry.argument(description="How many items to return (page size).")]

After = Annotated[
    str | None, strawberry.argument(description="Continue after this cursor (a previous page's `pageInfo.endCursor`).")
]

Offset = Annotated[int, strawberry.argument(description="How many rows to skip (for lists that are not cursor pages).")]
