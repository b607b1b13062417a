from foundation.codes import Code


class ReferralErrorCode(Code):
    STORE_NOT_FOUND = "STORE_NOT_FOUND", "No such store in this brand."
    STORE_CODE_TAKEN = "STORE_CODE_TAKEN", "Another store of this brand already has this code."
    STORE_CODE_INVALID = "STORE_CODE_INVALID", "A store code is 1-32 letters, digits, '-' or '_'."
    STORE_NAME_INVALID = "STORE_NAME_INVALID", "A store name is 1-120 characters."
    STORE_INACTIVE = "STORE_INACTIVE", "The store is closed."
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND", "No such member in this brand, or not one the caller may see."
    MEMBER_DELETED = "MEMBER_DELETED", "The member deleted their account."
    ENROLMENT_INVALID = "ENROLMENT_INVALID", "The enrolment QR token is malformed."
    ENROLMENT_EXPIRED = "ENROLMENT_EXPIRED", "The enrolment QR has expired: ask HQ for a new one."
    ENROLMENT_REVOKED = "ENROLMENT_REVOKED", "The enrolment QR was revoked."
    ENROLMENT_NOT_FOUND = "ENROLMENT_NOT_FOUND", "No such enrolment QR."
    VALIDITY_INVALID = "VALIDITY_INVALID", "The validity period is out of range."
    GUIDE_ALREADY_ENROLLED = "GUIDE_ALREADY_ENROLLED", "This account is already a guide of the brand."
    GUIDE_NOT_FOUND = "GUIDE_NOT_FOUND", "No such guide in this brand."
    GUIDE_NOT_PENDING = "GUIDE_NOT_PENDING", "The guide is not waiting for approval."
    GUIDE_INACTIVE = "GUIDE_INACTIVE", "The guide is not active (pending approval or left)."
    SAME_GUIDE = "SAME_GUIDE", "The member is already bound to this guide."
    CODE_INVALID = "CODE_INVALID", "The invite code is malformed."
    CODE_UNKNOWN = "CODE_UNKNOWN", "No guide or member has this invite code."
    ALREADY_REGISTERED = "ALREADY_REGISTERED", "The caller is already a registered member."
    NOT_REGISTERED = "NOT_REGISTERED", "The caller must register as a member first."
    INVITE_SELF = "INVITE_SELF", "A member cannot invite themselves."
    INVITER_NOT_REGISTERED = "INVITER_NOT_REGISTERED", "The inviting member has not registered."
    NAME_INVALID = "NAME_INVALID", "The name is empty, too long or holds control characters."
    PHONE_INVALID = "PHONE_INVALID", "Not a valid mobile phone number."
    PHONE_CONSENT_REQUIRED = "PHONE_CONSENT_REQUIRED", "A phone number is stored only with the member's consent."
    DATE_INVALID = "DATE_INVALID", "A date is outside the range the message gives."
    CITY_INVALID = "CITY_INVALID", "The city is too long or holds control characters."
    POLICY_INVALID = "POLICY_INVALID", "A referral policy value is out of range."
    TAG_NAME_INVALID = "TAG_NAME_INVALID", "A tag name has 1-32 printable characters."
    TAG_TAKEN = "TAG_TAKEN", "The brand already has a tag with this name."
    TAG_NOT_FOUND = "TAG_NOT_FOUND", "No such tag in this brand."
    PERIOD_INVALID = "PERIOD_INVALID", "The period is empty, reversed, too long or has a time without an offset."
    REGISTRATION_TAG_INVALID = (
        "REGISTRATION_TAG_INVALID",
        "A registration tag is too long or holds characters it may not.",
    )
    REGISTRATION_TAG_UNKNOWN = "REGISTRATION_TAG_UNKNOWN", "No member registered with this registration tag."
    REPORT_FILTER_INVALID = "REPORT_FILTER_INVALID", "A report filter names an unknown dimension or value."
    IDENTITY_PROVIDER_TAKEN = (
        "IDENTITY_PROVIDER_TAKEN",
        "This WeChat or LINE account is already linked to another member.",
    )
    PHONE_CODE_INVALID = "PHONE_CODE_INVALID", "WeChat refused the getPhoneNumber code (used or expired): tap again."
    TEMPLATE_ID_UNKNOWN = (
        "TEMPLATE_ID_UNKNOWN",
        "Not one of the brand's subscribe-message templates (Brand.wechatTemplates).",
    )
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID", "An idempotency key is 8-64 printable ASCII characters."
    LINE_QUOTA_EXCEEDED = "LINE_QUOTA_EXCEEDED", "The send needs more LINE messages than the month's plan has left."
    LINE_UNAVAILABLE = "LINE_UNAVAILABLE", "LINE did not answer, or the brand has no LINE channel token."
    INBOX_ITEM_NOT_FOUND = "INBOX_ITEM_NOT_FOUND", "No such message in the caller's inbox."
    LOCALE_INVALID = "LOCALE_INVALID", "The locale is not one the brand offers (Brand.locales)."
    TEMPLATE_ID_INVALID = "TEMPLATE_ID_INVALID", "A WeChat template id is 8-64 letters, digits, '-' or '_'."
    MERGE_CONFLICT = (
        "MERGE_CONFLICT",
        "Both accounts are guides, or both have a sign-in of one kind: HQ merges them.",
    )


class ReferralError(Exception):
    """A referral rule refused the request; `field` names the input at fault, if one is."""

    def __init__(self, code: ReferralErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
