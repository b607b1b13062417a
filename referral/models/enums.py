from enum import StrEnum


class IdentityProvider(StrEnum):
    WECHAT = "wechat"
    LINE = "line"
    # Only issued by the development sign-in, which production refuses.
    DEV = "dev"


class GuideRole(StrEnum):
    GUIDE = "guide"
    MANAGER = "manager"


class GuideStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    INACTIVE = "inactive"


class Channel(StrEnum):
    """How a member came to register."""

    GUIDE_QR = "guide_qr"
    MEMBER_INVITE = "member_invite"
    PRODUCT_SCAN = "product_scan"
    EVENT = "event"
    ORGANIC = "organic"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class BindingReason(StrEnum):
    REGISTRATION = "registration"
    SWITCH = "switch"
    REASSIGNMENT = "reassignment"


class TouchKind(StrEnum):
    """A point where the brand met the member; the timeline, profiles and attribution read these."""

    SIGN_IN = "sign_in"
    REGISTRATION = "registration"
    GUIDE_SCAN = "guide_scan"
    INVITE_SCAN = "invite_scan"
    GUIDE_CHANGE = "guide_change"
    REFERRAL = "referral"
    PURCHASE = "purchase"
    PURCHASE_REVERSED = "purchase_reversed"
    COUPON_ISSUED = "coupon_issued"
    COUPON_WRITTEN_OFF = "coupon_written_off"
    EVENT_SIGN_UP = "event_sign_up"
    EVENT_CHECK_IN = "event_check_in"
    EVENT_INTERACTION = "event_interaction"
    # The brand's broadcast was queued to the member (source: its message key). The brand acted, not
    # the member: it does not make them active (profiles.OUTWARD).
    BROADCAST_RECEIVED = "broadcast_received"
    # A guide did a task for the member (credited to the guide: tasks done in their figures).
    TASK_DONE = "task_done"


class MessageKind(StrEnum):
    """Why a member is being told something; each kind has its WeChat template and LINE wording."""

    EVENT_CANCELLED = "event_cancelled"
    WAITLIST_PROMOTED = "waitlist_promoted"
    COUPON_ISSUED = "coupon_issued"
    EVENT_REMINDER = "event_reminder"
    BROADCAST = "broadcast"  # the brand's own words (reach/broadcasts.py), marketing: needs consent
    GUIDE_MESSAGE = "guide_message"  # a guide's own words to one of their members (reach/guide_messages.py)


class MessageChannel(StrEnum):
    WECHAT = "wechat"
    LINE = "line"


class SubscribeResult(StrEnum):
    """What wx.requestSubscribeMessage reports for a template (and WeChat pushes)."""

    ACCEPT = "accept"
    REJECT = "reject"
    BAN = "ban"  # the mini-program is barred from subscribe messages
    FILTER = "filter"  # WeChat filtered the template (for example, it was deleted)


class ConsentSource(StrEnum):
    CLIENT = "client"  # the mini-program reported it (recordSubscribeResults)
    PUSH = "push"  # WeChat's server pushed it (subscribe_msg_popup_event / _change_event)


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "arrived"  # WeChat's receipt says it reached the member (status holds 8 characters)
    # Not pushed (no channel may carry it: no subscribe credit, not a LINE friend); it is in the inbox.
    SKIPPED = "skipped"
    FAILED = "failed"  # refused for good (no channel, user declined, too many attempts)
    UNKNOWN = "unknown"  # may or may not have reached WeChat: never sent again (at most once)
