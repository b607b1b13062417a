"""What a campaign rule rewards: a scan claim, a purchase at a till or an imported order, or a step of
a community event."""

from __future__ import annotations

from enum import StrEnum

from events.steps import EventStep


class Trigger(StrEnum):
    CLAIM = "claim"
    PURCHASE = "purchase"
    EVENT_SIGN_UP = EventStep.SIGN_UP.value
    EVENT_CHECK_IN = EventStep.CHECK_IN.value
    EVENT_INTERACTION = EventStep.INTERACTION.value

    @classmethod
    def of_step(cls, step: EventStep) -> Trigger:
        return cls(step.value)
