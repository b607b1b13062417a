from enum import StrEnum


class AuthErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    FORBIDDEN = "FORBIDDEN"
    UNKNOWN_BRAND = "UNKNOWN_BRAND"
    CHANNEL_NOT_CONFIGURED = "CHANNEL_NOT_CONFIGURED"
    WECHAT_CODE_INVALID = "WECHAT_CODE_INVALID"
    LINE_TOKEN_INVALID = "LINE_TOKEN_INVALID"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    DEV_SIGN_IN_DISABLED = "DEV_SIGN_IN_DISABLED"
    STAFF_NOT_FOUND = "STAFF_NOT_FOUND"
    STAFF_INVALID = "STAFF_INVALID"


class AuthError(Exception):
    """Sign-in or a session token was refused; the message is safe to show a user."""

    def __init__(self, code: AuthErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
