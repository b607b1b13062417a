from foundation.codes import Code


class ReachErrorCode(Code):
    SEGMENT_INVALID = "SEGMENT_INVALID", "The segment's conditions are empty, contradictory, too deep or name nothing."
    SEGMENT_NOT_FOUND = "SEGMENT_NOT_FOUND", "No such segment in this brand."
    SEGMENT_NAME_TAKEN = "SEGMENT_NAME_TAKEN", "The brand already has a segment with this name."


class ReachError(Exception):
    """A reach rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: ReachErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
