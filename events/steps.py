"""The steps of a community event other domains may act on (loyalty's campaigns reward them). events
cannot import those domains: the service that records a step takes what to call as an argument
(`StepReached`), built once by the composition root (server/wiring.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient


class EventStep(StrEnum):
    SIGN_UP = "event_sign_up"
    CHECK_IN = "event_check_in"
    INTERACTION = "event_interaction"


class StepReached(Protocol):
    """Called inside the step's transaction (`conn`). `key` names the step once (a retry or a sign-up
    after a cancellation repeats it); `guide_id` is the guide credited with it, if any."""

    async def __call__(
        self,
        conn: BaseDBAsyncClient,
        *,
        brand_id: int,
        member_id: int,
        step: EventStep,
        key: str,
        now: datetime,
        guide_id: int | None = None,
    ) -> object: ...
