from enum import StrEnum


class ReferralErrorCode(StrEnum):
    STORE_NOT_FOUND = "STORE_NOT_FOUND"
    STORE_CODE_TAKEN = "STORE_CODE_TAKEN"
    STORE_CODE_INVALID = "STORE_CODE_INVALID"
    STORE_NAME_INVALID = "STORE_NAME_INVALID"
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
    MEMBER_DELETED = "MEMBER_DELETED"
    GUIDE_ALREADY_ENROLLED = "GUIDE_ALREADY_ENROLLED"


class ReferralError(Exception):
    """A referral rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: ReferralErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
