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
from schema.enums import client_enum
from schema.errors import UserError, refusals
from schema.types.node import Node
from schema.types.qr import QrFormat, QrFormatArgument, QrImage

EventAudience = client_enum(
    AudienceValue,
    "Who may see and join an event.",
    {
        AudienceValue.ALL: "Every member of the brand.",
        AudienceValue.TAG: "Members who carry the event's tag.",
        AudienceValue.STORE: "Members bound to a guide of the event's store.",
    },
)
EventStatus = client_enum(
    StatusValue,
    "Where an event is in its life.",
    {
        StatusValue.DRAFT: "Being prepared; members do not see it.",
        StatusValue.PUBLISHED: "Visible to its audience, who may sign up within the sign-up window.",
        StatusValue.CANCELLED: "Called off; signed-up members are told.",
    },
)
RegistrationStatus = client_enum(
    RegistrationStatusValue,
    "Where a member's sign-up stands.",
    {
        RegistrationStatusValue.CONFIRMED: "Has a place.",
        RegistrationStatusValue.WAITLISTED: "Waiting for a place; promoted in order when one frees up.",
        RegistrationStatusValue.CANCELLED: "Cancelled by the member or with the event.",
    },
)


@strawberry.type(description="A question asked at sign-up.")
class EventQuestion:
    key: str = strawberry.field(description="Names the answer in `answers`.")
    label: str = strawberry.field(description="The question as shown.")
    kind: str = strawberry.field(description="int, text or choice.")
    required: bool = strawberry.field(description="Whether an answer is needed to sign up.")
    choices: list[str] = strawberry.field(description="The options of a choice question; empty otherwise.")
    min: int | None = strawberry.field(description="Lowest accepted value of an int question.")
    max: int | None = strawberry.field(description="Highest accepted value of an int question.")


@strawberry.input(description="A question to ask members when they sign up.")
class EventQuestionInput:
    key: str
    label: str
    kind: str = strawberry.field(description="int, text or choice.")
    required: bool = strawberry.field(default=False, description="Whether an answer is needed to sign up.")
    choices: list[str] = strawberry.field(default_factory=list)
    min: int | None = strawberry.field(default=None, description="Lowest accepted value of an int question.")
    max: int | None = strawberry.field(default=None, description="Highest accepted value of an int question.")


@strawberry.type(description="A community event.")
class Event(Node):
    row: strawberry.Private[EventModel]

    @strawberry.field(description="Global id of the event.")
    def id(self) -> strawberry.ID:
        return ids.encode("Event", self.row.id)

    @strawberry.field(description="The store that runs it; null for an HQ event.")
    def store_id(self) -> strawberry.ID | None:
        return ids.encode("Store", self.row.store_id) if self.row.store_id else None

    title = column(str, description="Shown in lists and on the ticket.")

    description = column(str, description="What happens at the event, as plain text.")

    cover_url = column(str | None, description="Cover image URL, if any.")

    place = column(str | None, description="Where it takes place; null for an online event.")

    online_url = column(str | None, description="Link to join an online event.")

    starts_at = column(datetime, description="When it starts (with offset).")

    ends_at = column(datetime, description="When it ends (with offset).")

    signup_opens_at = column(datetime, description="From when members may sign up.")

    signup_closes_at = column(datetime, description="Until when members may sign up.")

    cancel_deadline = column(datetime, description="Until when a member may cancel their place.")

    @strawberry.field(description="From when check-in at the venue is open (it stays open until the end).")
    def check_in_opens_at(self) -> datetime:
        return window(self.row)[0]

    capacity = column(int, description="Confirmed places; sign-ups beyond it join the waitlist.")

    @strawberry.field(description="Confirmed places still free.")
    def places_left(self) -> int:
        return max(0, self.row.capacity - self.row.confirmed_count)

    allow_walk_ins = column(bool, description="Whether members who did not sign up may check in at the door.")

    audience = column(EventAudience, description="Who may see and join it.")

    status = column(EventStatus, description="Draft, published or cancelled.")

    @strawberry.field(description="Questions a member answers when signing up.")
    def questions(self) -> list[EventQuestion]:
        return [EventQuestion(**q) for q in self.row.questions]


@strawberry.input(
    description="Sign-up opens when published and closes at the start unless set; "
    "members may cancel until a day before."
)
class EventInput:
    title: str
    starts_at: datetime = strawberry.field(description="When it starts; a time with an offset.")
    ends_at: datetime = strawberry.field(description="When it ends; after the start.")
    capacity: int = strawberry.field(description="Confirmed places (at least 1).")
    place: str | None = None
    online_url: str | None = None
    description: str = ""
    cover_url: str | None = None
    signup_opens_at: datetime | None = strawberry.field(
        default=None, description="From when members may sign up; default: when published."
    )
    signup_closes_at: datetime | None = strawberry.field(
        default=None, description="Until when members may sign up; default: the start."
    )
    cancel_deadline: datetime | None = strawberry.field(
        default=None, description="Until when members may cancel; default: a day before the start."
    )
    check_in_opens_minutes: int = strawberry.field(
        default=60, description="How many minutes before the start check-in opens."
    )
    allow_walk_ins: bool = strawberry.field(
        default=False, description="Let members who did not sign up check in at the door."
    )
    audience: EventAudience = strawberry.field(
        default=AudienceValue.ALL,
        description="Who may see and join it; TAG and STORE need audienceTagId or audienceStoreId.",
    )  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    audience_tag_id: strawberry.ID | None = None
    audience_store_id: strawberry.ID | None = None
    questions: list[EventQuestionInput] = strawberry.field(
        default_factory=list, description="Questions asked at sign-up."
    )


@strawberry.type(description="A member's place at an event (or on its waitlist).")
class EventRegistration(Node):
    row: strawberry.Private[RegistrationModel]

    @strawberry.field(description="Global id of the sign-up.")
    def id(self) -> strawberry.ID:
        return ids.encode("Registration", self.row.id)

    @strawberry.field(description="The event.")
    def event_id(self) -> strawberry.ID:
        return ids.encode("Event", self.row.event_id)

    @strawberry.field(description="The member who signed up.")
    def member_id(self) -> strawberry.ID:
        return ids.encode("Member", self.row.member_id)

    status = column(RegistrationStatus, description="Confirmed, waitlisted or cancelled.")

    @strawberry.field(description="Place in line while waitlisted.")
    def waitlist_position(self) -> int | None:
        return self.row.waitlist_position if self.row.status is RegistrationStatusValue.WAITLISTED else None

    answers = column(JSON, description="Answers to the event's questions, by question key.")

    signed_up_at = column(datetime, description="When the member signed up.")

    checked_in_at = column(datetime | None, description="When the member checked in; null until then.")

    walk_in = column(bool, description="Whether the member came without signing up first.")

    ticket_code = column(str, description="Shown at the door; a guide scans it to check the member in.")

    @strawberry.field(description="The ticket code as a QR image.")
    async def ticket_qr(self, info: Info, format: QrFormatArgument = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return await QrImage.render(info, self.row.ticket_code, qr.QrFormat(format.value))

    @strawberry.field(description="The guide whose invitation led to this sign-up.")
    def invited_by_guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.invited_by_id) if self.row.invited_by_id else None


@strawberry.type(description="The check-in code to show at the venue, as a QR; fetch a new one before it expires.")
class CheckInCode:
    code: str | None = strawberry.field(
        default=None, description="The code members scan to check in; null when refused."
    )
    expires_at: datetime | None = strawberry.field(default=None, description="When the code stops working.")
    qr: QrImage | None = strawberry.field(default=None, description="The code as a QR image.")
    errors: list[UserError] = refusals()
