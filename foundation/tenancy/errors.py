from foundation.codes import Code


class TenancyErrorCode(Code):
    ORIGIN_INVALID = (
        "ORIGIN_INVALID",
        "An allowed origin is scheme://host[:port], and a brand has a bounded number of them.",
    )


class TenancyError(Exception):
    """A brand's settings were refused; the message is safe to show a user."""

    def __init__(self, code: TenancyErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
