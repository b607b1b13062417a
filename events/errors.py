from foundation.codes import Code


class EventErrorCode(Code):
    EVENT_INVALID = (
        "EVENT_INVALID",
        "The event's fields are missing, out of range or inconsistent (times, capacity, questions).",
    )
    EVENT_NOT_FOUND = "EVENT_NOT_FOUND", "No such event in this brand, or the caller may not see it."
    EVENT_NOT_EDITABLE = "EVENT_NOT_EDITABLE", "A cancelled event cannot be changed."
    EVENT_NOT_OPEN = "EVENT_NOT_OPEN", "Sign-up for the event is not open now (not published, not yet open, or closed)."
    EVENT_CANCELLED = "EVENT_CANCELLED", "The event was cancelled."
    TAG_NOT_FOUND = "TAG_NOT_FOUND", "No such tag in this brand."
    NOT_IN_AUDIENCE = "NOT_IN_AUDIENCE", "The event is for another audience (a store or a tag) the member is not in."
    ANSWER_INVALID = "ANSWER_INVALID", "An answer to the event's questions is missing, unknown or out of range."
    ALREADY_SIGNED_UP = "ALREADY_SIGNED_UP", "The member is already signed up for this event."
    REGISTRATION_NOT_FOUND = "REGISTRATION_NOT_FOUND", "No such event registration, or not the caller's."
    CANCEL_DEADLINE_PASSED = "CANCEL_DEADLINE_PASSED", "The event's cancellation deadline has passed."
    CHECK_IN_CODE_INVALID = "CHECK_IN_CODE_INVALID", "The check-in code is malformed, expired or for another event."
    CHECK_IN_CLOSED = "CHECK_IN_CLOSED", "Check-in is not open at this time."
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN", "The member has already checked in to this event."
    NOT_SIGNED_UP = "NOT_SIGNED_UP", "The member is not signed up for this event."
    WAITLISTED = "WAITLISTED", "The member is on the waiting list, not confirmed."
    NOT_YOUR_MEMBER = "NOT_YOUR_MEMBER", "The member is not bound to the calling guide."
    MEMBER_NOT_REGISTERED = "MEMBER_NOT_REGISTERED", "The person has not registered as a member yet."
    INTERACTION_INVALID = (
        "INTERACTION_INVALID",
        "The poll, quiz or draw is malformed (options, correct answer, prize count).",
    )
    INTERACTION_NOT_FOUND = "INTERACTION_NOT_FOUND", "No such event interaction."
    INTERACTION_CLOSED = "INTERACTION_CLOSED", "The interaction is closed to answers."
    ALREADY_ANSWERED = "ALREADY_ANSWERED", "The member has already answered this interaction."
    NOT_CHECKED_IN = "NOT_CHECKED_IN", "Only members checked in to the event may take part."
    ALREADY_DRAWN = "ALREADY_DRAWN", "The draw's winners were already drawn."


class EventError(Exception):
    """An event rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: EventErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
