from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from events.models import (
    Audience as AudienceValue,
    Event as EventModel,
    EventStatus as StatusValue,
    Registration as RegistrationModel,
    RegistrationStatus as RegistrationStatusValue,
)
from events.services.check_in import window
from referral import qr
from schema import ids
from schema.columns import column
from schema.errors import UserError
from schema.types.qr import QrFormat, QrImage

EventAudience = strawberry.enum(AudienceValue, description="Who may see and join an event.")
EventStatus = strawberry.enum(StatusValue)
RegistrationStatus = strawberry.enum(RegistrationStatusValue)


@strawberry.type(description="A question asked at sign-up.")
class EventQuestion:
    key: str
    label: str
    kind: str = strawberry.field(description="int, text or choice.")
    required: bool
    choices: list[str]
    min: int | None
    max: int | None


@strawberry.input
class EventQuestionInput:
    key: str
    label: str
    kind: str = strawberry.field(description="int, text or choice.")
    required: bool = False
    choices: list[str] = strawberry.field(default_factory=list)
    min: int | None = None
    max: int | None = None


@strawberry.type(description="A community event.")
class Event:
    row: strawberry.Private[EventModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Event", self.row.id)

    @strawberry.field(description="The store that runs it; null for an HQ event.")
    def store_id(self) -> strawberry.ID | None:
        return ids.encode("Store", self.row.store_id) if self.row.store_id else None

    title = column(str)

    description = column(str)

    cover_url = column(str | None)

    place = column(str | None)

    online_url = column(str | None)

    starts_at = column(datetime)

    ends_at = column(datetime)

    signup_opens_at = column(datetime)

    signup_closes_at = column(datetime)

    cancel_deadline = column(datetime)

    @strawberry.field
    def check_in_opens_at(self) -> datetime:
        return window(self.row)[0]

    capacity = column(int)

    @strawberry.field
    def places_left(self) -> int:
        return max(0, self.row.capacity - self.row.confirmed_count)

    allow_walk_ins = column(bool)

    audience = column(EventAudience)

    status = column(EventStatus)

    @strawberry.field
    def questions(self) -> list[EventQuestion]:
        return [EventQuestion(**q) for q in self.row.questions]


@strawberry.input(
    description="Sign-up opens when published and closes at the start unless set; "
    "members may cancel until a day before."
)
class EventInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    place: str | None = None
    online_url: str | None = None
    description: str = ""
    cover_url: str | None = None
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    cancel_deadline: datetime | None = None
    check_in_opens_minutes: int = 60
    allow_walk_ins: bool = False
    audience: EventAudience = AudienceValue.ALL  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    audience_tag_id: strawberry.ID | None = None
    audience_store_id: strawberry.ID | None = None
    questions: list[EventQuestionInput] = strawberry.field(default_factory=list)


@strawberry.type(description="A member's place at an event (or on its waitlist).")
class EventRegistration:
    row: strawberry.Private[RegistrationModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Registration", self.row.id)

    @strawberry.field
    def event_id(self) -> strawberry.ID:
        return ids.encode("Event", self.row.event_id)

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return ids.encode("Member", self.row.member_id)

    status = column(RegistrationStatus)

    @strawberry.field(description="Place in line while waitlisted.")
    def waitlist_position(self) -> int | None:
        return self.row.waitlist_position if self.row.status is RegistrationStatusValue.WAITLISTED else None

    answers = column(JSON)

    signed_up_at = column(datetime)

    checked_in_at = column(datetime | None)

    walk_in = column(bool)

    ticket_code = column(str, description="Shown at the door; a guide scans it to check the member in.")

    @strawberry.field
    async def ticket_qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.ticket_code, qr.QrFormat(format.value))

    @strawberry.field(description="The guide whose invitation led to this sign-up.")
    def invited_by_guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.invited_by_id) if self.row.invited_by_id else None


@strawberry.type(description="The check-in code to show at the venue, as a QR; fetch a new one before it expires.")
class CheckInCode:
    code: str | None = None
    expires_at: datetime | None = None
    qr: QrImage | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
