"""What HQ reads of its events: figures per event, store or inviting guide."""

from __future__ import annotations

import strawberry

from events.services import reports

EventDimension = strawberry.enum(reports.EventDimension, description="How event figures are grouped.")


@strawberry.type(description="What events did for one event, store or inviting guide.")
class EventFiguresRow:
    key: strawberry.ID | None = strawberry.field(description="Null: HQ's own events (by store) or no inviting guide.")
    sign_ups: int
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    no_shows: int = strawberry.field(description="Confirmed, not checked in, event over.")
    converted: int = strawberry.field(description="Checked-in members who bought within conversionDays of the start.")
