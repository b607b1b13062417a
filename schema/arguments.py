"""Argument types several operations share, with the documentation clients read in the schema."""

from __future__ import annotations

from typing import Annotated

import strawberry

from loyalty import idempotency

IdempotencyKey = Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)]
