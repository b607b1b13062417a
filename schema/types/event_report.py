"""What HQ reads of its events: figures per event, store or inviting guide."""

from __future__ import annotations

import strawberry

from events.services import reports
from schema.enums import client_enum

EventDimension = client_enum(
    reports.EventDimension,
    "How event figures are grouped.",
    {
        reports.EventDimension.EVENT: "One row per event.",
        reports.EventDimension.STORE: "One row per store that hosted events.",
        reports.EventDimension.GUIDE: "One row per guide whose members took part.",
    },
)


@strawberry.type(description="What events did for one event, store or inviting guide.")
class EventFiguresRow:
    key: strawberry.ID | None = strawberry.field(description="Null: HQ's own events (by store) or no inviting guide.")
    sign_ups: int = strawberry.field(description="Sign-ups, whatever became of them.")
    confirmed: int = strawberry.field(description="Sign-ups holding a place now.")
    waitlisted: int = strawberry.field(description="Sign-ups waiting for a place now.")
    cancelled: int = strawberry.field(description="Sign-ups cancelled.")
    checked_in: int = strawberry.field(description="Members who checked in, walk-ins included.")
    no_shows: int = strawberry.field(description="Confirmed, not checked in, event over.")
    converted: int = strawberry.field(description="Checked-in members who bought within conversionDays of the start.")
