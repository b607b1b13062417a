from foundation.codes import Code


class InsightErrorCode(Code):
    RANGE_INVALID = "RANGE_INVALID", "A report's range is out of bounds (the message says which and how)."


class InsightError(Exception):
    """An insight report refused its arguments; `field` names the one at fault."""

    def __init__(self, code: InsightErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
