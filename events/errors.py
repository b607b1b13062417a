from enum import StrEnum


class EventErrorCode(StrEnum):
    EVENT_INVALID = "EVENT_INVALID"
    EVENT_NOT_FOUND = "EVENT_NOT_FOUND"
    EVENT_NOT_EDITABLE = "EVENT_NOT_EDITABLE"
    EVENT_NOT_OPEN = "EVENT_NOT_OPEN"
    EVENT_CANCELLED = "EVENT_CANCELLED"
    NOT_IN_AUDIENCE = "NOT_IN_AUDIENCE"
    ANSWER_INVALID = "ANSWER_INVALID"
    ALREADY_SIGNED_UP = "ALREADY_SIGNED_UP"
    REGISTRATION_NOT_FOUND = "REGISTRATION_NOT_FOUND"
    CANCEL_DEADLINE_PASSED = "CANCEL_DEADLINE_PASSED"
    CHECK_IN_CODE_INVALID = "CHECK_IN_CODE_INVALID"
    CHECK_IN_CLOSED = "CHECK_IN_CLOSED"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    NOT_SIGNED_UP = "NOT_SIGNED_UP"
    WAITLISTED = "WAITLISTED"
    NOT_YOUR_MEMBER = "NOT_YOUR_MEMBER"
    MEMBER_NOT_REGISTERED = "MEMBER_NOT_REGISTERED"


class EventError(Exception):
    """An event rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: EventErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
