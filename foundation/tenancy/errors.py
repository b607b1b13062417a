from enum import StrEnum


class TenancyErrorCode(StrEnum):
    ORIGIN_INVALID = "ORIGIN_INVALID"


class TenancyError(Exception):
    """A brand's settings were refused; the message is safe to show a user."""

    def __init__(self, code: TenancyErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
