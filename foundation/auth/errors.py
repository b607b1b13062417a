from foundation.codes import Code


class AuthErrorCode(Code):
    UNAUTHENTICATED = "UNAUTHENTICATED", "Sign in first: the request carries no session."
    TOKEN_INVALID = "TOKEN_INVALID", "The session token is malformed, forged or revoked: sign in again."
    TOKEN_EXPIRED = "TOKEN_EXPIRED", "The session has expired: sign in again."
    FORBIDDEN = "FORBIDDEN", "The caller's role may not do this."
    UNKNOWN_BRAND = "UNKNOWN_BRAND", "No such brand."
    CHANNEL_NOT_CONFIGURED = (
        "CHANNEL_NOT_CONFIGURED",
        "The brand has not configured this sign-in channel (WeChat or LINE).",
    )
    WECHAT_CODE_INVALID = (
        "WECHAT_CODE_INVALID",
        "WeChat refused the login code (expired or already used): call wx.login again.",
    )
    LINE_TOKEN_INVALID = "LINE_TOKEN_INVALID", "LINE refused the ID token (expired, or for another channel)."
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE", "WeChat or LINE did not answer: try again shortly."
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS", "Wrong staff e-mail or password."
    DEV_SIGN_IN_DISABLED = "DEV_SIGN_IN_DISABLED", "Development sign-in is off on this server."
    STAFF_NOT_FOUND = "STAFF_NOT_FOUND", "No such staff account in this brand."
    STAFF_INVALID = "STAFF_INVALID", "A staff account field (e-mail, password, role, store) is invalid."


class AuthError(Exception):
    """Sign-in or a session token was refused; the message is safe to show a user."""

    def __init__(self, code: AuthErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
