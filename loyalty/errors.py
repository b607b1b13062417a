from enum import StrEnum


class LoyaltyErrorCode(StrEnum):
    ITEM_CODE_INVALID = "ITEM_CODE_INVALID"
    ITEM_CODE_UNKNOWN = "ITEM_CODE_UNKNOWN"
    ITEM_CODE_ALREADY_CLAIMED = "ITEM_CODE_ALREADY_CLAIMED"
    BATCH_REVOKED = "BATCH_REVOKED"
    BATCH_NOT_FOUND = "BATCH_NOT_FOUND"
    BATCH_QUANTITY_INVALID = "BATCH_QUANTITY_INVALID"
    BATCH_FIELD_INVALID = "BATCH_FIELD_INVALID"
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID"
    NOT_REGISTERED = "NOT_REGISTERED"


class LoyaltyError(Exception):
    """A loyalty rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: LoyaltyErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
