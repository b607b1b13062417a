"""Events models. Tortoise discovers every model imported here."""

from events.models.events import Audience, Event, EventStatus
from events.models.registrations import Invitation, Registration, RegistrationStatus

__all__ = ["Audience", "Event", "EventStatus", "Invitation", "Registration", "RegistrationStatus"]
