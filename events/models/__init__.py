"""Events models. Tortoise discovers every model imported here."""

from events.models.events import Audience, Event, EventStatus
from events.models.interactions import Interaction, InteractionAnswer, InteractionKind
from events.models.registrations import Invitation, Registration, RegistrationStatus

__all__ = [
    "Audience",
    "Event",
    "EventStatus",
    "Interaction",
    "InteractionAnswer",
    "InteractionKind",
    "Invitation",
    "Registration",
    "RegistrationStatus",
]
