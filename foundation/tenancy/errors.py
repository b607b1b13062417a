from foundation.codes import Code


class TenancyErrorCode(Code):
    TIME_ZONE_INVALID = "TIME_ZONE_INVALID", "Not an IANA time zone name (such as Asia/Shanghai)."
    LOCALE_INVALID = (
        "LOCALE_INVALID",
        "A locale is one of zh-Hans, zh-Hant, ja and en; the default is among those offered.",
    )
    CURRENCY_INVALID = "CURRENCY_INVALID", "Not an ISO 4217 currency code (such as CNY)."
    LINK_INVALID = "LINK_INVALID", "A link base is an https URL without ? or #."
    SECRET_INVALID = "SECRET_INVALID", "A secret is printable ASCII, without spaces, of the length its platform issues."
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
