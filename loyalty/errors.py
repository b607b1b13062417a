from foundation.codes import Code


class LoyaltyErrorCode(Code):
    ITEM_CODE_INVALID = "ITEM_CODE_INVALID", "The item code is malformed or its signature is wrong."
    ITEM_CODE_UNKNOWN = "ITEM_CODE_UNKNOWN", "No item carries this code."
    ITEM_CODE_ALREADY_CLAIMED = "ITEM_CODE_ALREADY_CLAIMED", "This item's code was already claimed."
    BATCH_REVOKED = "BATCH_REVOKED", "The code batch was revoked: its codes earn nothing."
    ITEM_URL_NOT_SET = "ITEM_URL_NOT_SET", "The brand has not set the URL printed on its cans: exports wait for it."
    ITEM_URL_INVALID = "ITEM_URL_INVALID", "The item URL base must be https, without ? or #."
    BATCH_NOT_FOUND = "BATCH_NOT_FOUND", "No such code batch in this brand."
    BATCH_QUANTITY_INVALID = (
        "BATCH_QUANTITY_INVALID",
        "A batch holds between 1 and the largest allowed number of codes.",
    )
    BATCH_FIELD_INVALID = (
        "BATCH_FIELD_INVALID",
        "A code batch field (SKU, product name, price, points, region) is invalid.",
    )
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID", "An idempotency key is 8-64 printable ASCII characters."
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used for a different request."
    NOT_REGISTERED = "NOT_REGISTERED", "The caller must register as a member first."
    TEMPLATE_INVALID = "TEMPLATE_INVALID", "A coupon template field (name, kind, value, limits, validity) is invalid."
    TEMPLATE_NOT_FOUND = "TEMPLATE_NOT_FOUND", "No such coupon template in this brand."
    COUPON_LIMIT_REACHED = "COUPON_LIMIT_REACHED", "The coupon template has issued all it may."
    COUPON_MEMBER_LIMIT_REACHED = (
        "COUPON_MEMBER_LIMIT_REACHED",
        "The member already holds as many of these coupons as allowed.",
    )
    COUPON_CODE_INVALID = "COUPON_CODE_INVALID", "The coupon's QR code is malformed."
    COUPON_NOT_FOUND = "COUPON_NOT_FOUND", "No such coupon, or not the caller's."
    COUPON_ALREADY_WRITTEN_OFF = "COUPON_ALREADY_WRITTEN_OFF", "The coupon was already written off."
    COUPON_CANCELLED = "COUPON_CANCELLED", "The coupon was cancelled."
    COUPON_EXPIRED = "COUPON_EXPIRED", "The coupon has expired."
    COUPON_WRONG_STORE = "COUPON_WRONG_STORE", "This coupon cannot be used in this store."
    COUPON_NOT_FOR_SALE = "COUPON_NOT_FOR_SALE", "This coupon cannot be bought with points."
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS", "The member's points balance is too low."
    CAMPAIGN_INVALID = "CAMPAIGN_INVALID", "A campaign field (trigger, period, reward, rule) is invalid."
    CAMPAIGN_NOT_FOUND = "CAMPAIGN_NOT_FOUND", "No such campaign in this brand."
    CLAIM_NOT_FOUND = "CLAIM_NOT_FOUND", "No such claim in this brand."
    CLAIM_ALREADY_REVERSED = "CLAIM_ALREADY_REVERSED", "The claim was already reversed."
    REASON_REQUIRED = "REASON_REQUIRED", "A reason is required."
    PURCHASE_INVALID = "PURCHASE_INVALID", "A field of the purchase is missing or out of range (the field is named)."
    SKU_UNKNOWN = "SKU_UNKNOWN", "No product of the brand has this SKU."
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND", "No member of the brand has this code (or these phone digits)."
    MEMBER_AMBIGUOUS = "MEMBER_AMBIGUOUS", "Several members match these phone digits: scan the member's code."
    RECEIPT_TAKEN = "RECEIPT_TAKEN", "This store recorded this receipt number for another purchase."
    ORDER_INVALID = (
        "ORDER_INVALID",
        "A field of the order is missing, malformed or out of range (the reason says which).",
    )
    ORDER_FILE_INVALID = "ORDER_FILE_INVALID", "The order file cannot be read: its header or encoding is wrong."
    STORE_UNKNOWN = "STORE_UNKNOWN", "No store of the brand has this code."
    RECEIPT_NOT_FOUND = "RECEIPT_NOT_FOUND", "This store recorded no purchase under this receipt number."
    PURCHASE_ALREADY_RETURNED = "PURCHASE_ALREADY_RETURNED", "The purchase was already returned."
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND", "No imported order of the brand has this number."
    ORDER_ALREADY_RETURNED = "ORDER_ALREADY_RETURNED", "The order was already returned."
    LABEL_RANGE_INVALID = (
        "LABEL_RANGE_INVALID",
        "The label range lies outside the batch or is larger than one print run allows.",
    )


class LoyaltyError(Exception):
    """A loyalty rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: LoyaltyErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
