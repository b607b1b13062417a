"""Referral models. Tortoise discovers every model imported here."""

from referral.models.consent import SubscribeConsent
from referral.models.enums import (
    BindingReason,
    Channel,
    ConsentSource,
    Gender,
    GuideRole,
    GuideStatus,
    IdentityProvider,
    MessageChannel,
    MessageKind,
    MessageStatus,
    SubscribeResult,
    TouchKind,
)
from referral.models.fingerprints import Fingerprint, FingerprintKind
from referral.models.guides import Guide, GuideBinding, StoreEnrolment
from referral.models.inbound import InboundMessage
from referral.models.inbox import InboxItem
from referral.models.members import Member, MemberIdentity
from referral.models.outbox import Message
from referral.models.policy import ReferralPolicy
from referral.models.stores import Store
from referral.models.tags import MemberTag, Tag
from referral.models.touches import Touch

__all__ = [
    "BindingReason",
    "Channel",
    "ConsentSource",
    "Fingerprint",
    "FingerprintKind",
    "Gender",
    "Guide",
    "GuideBinding",
    "GuideRole",
    "GuideStatus",
    "IdentityProvider",
    "InboundMessage",
    "InboxItem",
    "Member",
    "MemberIdentity",
    "Message",
    "MessageChannel",
    "MessageKind",
    "MessageStatus",
    "MemberTag",
    "ReferralPolicy",
    "Store",
    "StoreEnrolment",
    "SubscribeConsent",
    "SubscribeResult",
    "Tag",
    "Touch",
    "TouchKind",
]
