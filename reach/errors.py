from foundation.codes import Code


class ReachErrorCode(Code):
    SEGMENT_INVALID = "SEGMENT_INVALID", "The segment's conditions are empty, contradictory, too deep or name nothing."
    SEGMENT_NOT_FOUND = "SEGMENT_NOT_FOUND", "No such segment in this brand."
    SEGMENT_NAME_TAKEN = "SEGMENT_NAME_TAKEN", "The brand already has a segment with this name."
    BROADCAST_INVALID = "BROADCAST_INVALID", "A field of the broadcast is missing or out of range (the field is named)."
    BROADCAST_NOT_FOUND = "BROADCAST_NOT_FOUND", "No such broadcast in this brand."
    BROADCAST_ALREADY_SENT = "BROADCAST_ALREADY_SENT", "The broadcast was sent or cancelled already: it cannot change."
    SEND_TIME_PASSED = "SEND_TIME_PASSED", "The send time is in the past."
    SEGMENT_EMPTY = "SEGMENT_EMPTY", "The segment selects nobody now."
    COUPON_TEMPLATE_UNKNOWN = "COUPON_TEMPLATE_UNKNOWN", "No such coupon template in this brand."
    COUPON_OUT_OF_STOCK = "COUPON_OUT_OF_STOCK", "The coupon template has fewer coupons left than the audience."
    NO_MARKETING_CONSENT = "NO_MARKETING_CONSENT", "The member has not agreed to marketing messages."
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND", "No such member in this brand."
    TASK_INVALID = "TASK_INVALID", "A field of the task is missing or out of range (the field is named)."
    TASK_NOT_FOUND = "TASK_NOT_FOUND", "No such task among yours."
    TASK_ALREADY_DONE = "TASK_ALREADY_DONE", "The task was marked done already, with another outcome."
    MEMBER_NOT_YOURS = "MEMBER_NOT_YOURS", "The member is not one of yours: a guide messages only their own members."
    MESSAGE_INVALID = "MESSAGE_INVALID", "A message is 1-500 characters."
    MESSAGE_LIMIT_REACHED = "MESSAGE_LIMIT_REACHED", "You sent this member as many messages today as allowed."
    JOURNEY_INVALID = "JOURNEY_INVALID", "The journey's definition is not valid (the message says where)."
    JOURNEY_NOT_FOUND = "JOURNEY_NOT_FOUND", "No such journey in this brand."
    JOURNEY_NAME_TAKEN = "JOURNEY_NAME_TAKEN", "The brand already has a journey with this name."
    JOURNEY_HAS_RUNS = "JOURNEY_HAS_RUNS", "Members are in this journey: its steps cannot change (make a new one)."
    CONVERSATION_NOT_FOUND = "CONVERSATION_NOT_FOUND", "No such conversation among yours."
    REPLY_WINDOW_CLOSED = (
        "REPLY_WINDOW_CLOSED",
        "The platform allows no more answers now (WeChat: 48 hours, 5 answers).",
    )
    REPLY_FAILED = "REPLY_FAILED", "The platform did not take the answer; try again."
    KEYWORD_INVALID = "KEYWORD_INVALID", "A keyword reply's field is missing or out of range (the field is named)."
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for a different broadcast."


class ReachError(Exception):
    """A reach rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: ReachErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
