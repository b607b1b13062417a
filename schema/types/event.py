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

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def cover_url(self) -> str | None:
        return self.row.cover_url

    @strawberry.field
    def place(self) -> str | None:
        return self.row.place

    @strawberry.field
    def online_url(self) -> str | None:
        return self.row.online_url

    @strawberry.field
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @strawberry.field
    def ends_at(self) -> datetime:
        return self.row.ends_at

    @strawberry.field
    def signup_opens_at(self) -> datetime:
        return self.row.signup_opens_at

    @strawberry.field
    def signup_closes_at(self) -> datetime:
        return self.row.signup_closes_at

    @strawberry.field
    def cancel_deadline(self) -> datetime:
        return self.row.cancel_deadline

    @strawberry.field
    def check_in_opens_at(self) -> datetime:
        return window(self.row)[0]

    @strawberry.field
    def capacity(self) -> int:
        return self.row.capacity

    @strawberry.field
    def places_left(self) -> int:
        return max(0, self.row.capacity - self.row.confirmed_count)

    @strawberry.field
    def allow_walk_ins(self) -> bool:
        return self.row.allow_walk_ins

    @strawberry.field
    def audience(self) -> EventAudience:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.audience

    @strawberry.field
    def status(self) -> EventStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

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

    @strawberry.field
    def status(self) -> RegistrationStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

    @strawberry.field(description="Place in line while waitlisted.")
    def waitlist_position(self) -> int | None:
        return self.row.waitlist_position if self.row.status is RegistrationStatusValue.WAITLISTED else None

    @strawberry.field
    def answers(self) -> JSON:
        return self.row.answers

    @strawberry.field
    def signed_up_at(self) -> datetime:
        return self.row.signed_up_at

    @strawberry.field
    def checked_in_at(self) -> datetime | None:
        return self.row.checked_in_at

    @strawberry.field
    def walk_in(self) -> bool:
        return self.row.walk_in

    @strawberry.field(description="Shown at the door; a guide scans it to check the member in.")
    def ticket_code(self) -> str:
        return self.row.ticket_code

    @strawberry.field
    async def ticket_qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.ticket_code, qr.QrFormat(format.value))

    @strawberry.field(description="The guide whose invitation led to this sign-up.")
    def invited_by_guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.invited_by_id) if self.row.invited_by_id else None
