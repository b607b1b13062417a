"""Argument types several operations share, with the documentation clients read in the schema."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from loyalty import idempotency

IdempotencyKey = Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)]


From = Annotated[datetime, strawberry.argument(name="from", description="Start of the period (inclusive).")]
