"""A segment's conditions: a tree of AND, OR and NOT over what the brand knows of a member. Each
leaf is evaluated in SQL (reach/segment_sql.py); the tree becomes one WHERE clause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from referral.models import Channel, Gender
from referral.services.profiles import Score, Stage


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class NotThis:
    part: Condition


@dataclass(frozen=True)
class HasTag:
    tag_id: int


@dataclass(frozen=True)
class CameBy:
    channel: Channel


@dataclass(frozen=True)
class InStore:
    """Served now by a guide of this store."""

    store_id: int


@dataclass(frozen=True)
class ServedBy:
    guide_id: int


@dataclass(frozen=True)
class RegisteredBetween:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Bought:
    """At least `at_least` claims that stand (of one SKU, if given) within the last `within_days` (ever if None)."""

    at_least: int = 1
    sku: str | None = None
    within_days: int | None = None


@dataclass(frozen=True)
class NoPurchaseFor:
    """Bought before, but nothing for this many days (the lapsed)."""

    days: int


@dataclass(frozen=True)
class PointsAtLeast:
    points: int


@dataclass(frozen=True)
class HoldsCoupon:
    """An unused coupon (of one template, if given), expiring within `expiring_within_days` if given."""

    template_id: int | None = None
    expiring_within_days: int | None = None


@dataclass(frozen=True)
class AtEvent:
    """Signed up for (or, with `attended`, checked in at; with `missed`, confirmed but not checked in
    at one that has ended) an event, or any event if None."""

    event_id: int | None = None
    attended: bool = False
    missed: bool = False


@dataclass(frozen=True)
class BabyAgeMonths:
    """The baby's age in whole months today, from its birth date (or the due date if not born yet)."""

    at_least: int
    at_most: int


@dataclass(frozen=True)
class LivesIn:
    city: str


@dataclass(frozen=True)
class GenderIs:
    gender: Gender


@dataclass(frozen=True)
class SpeaksLocale:
    locale: str


@dataclass(frozen=True)
class WechatCredit:
    """Has an unused subscribe-message acceptance of this template."""

    template_id: str


@dataclass(frozen=True)
class MarketingConsent:
    """Agreed to receive marketing (and has not withdrawn)."""


@dataclass(frozen=True)
class AtStage:
    """At this journey stage now (as profiles and the funnel count it)."""

    stage: Stage


@dataclass(frozen=True)
class ValueBetween:
    """A value score (profiles: revenue + engagement + influence) within [at_least, at_most] points;
    an open end when None."""

    score: Score = Score.TOTAL
    at_least: int | None = None
    at_most: int | None = None


@dataclass(frozen=True)
class LineFriend:
    """Can be pushed on LINE (a LINE sign-in that has not unfollowed or blocked)."""


Condition = (
    AllOf
    | AnyOf
    | NotThis
    | HasTag
    | CameBy
    | InStore
    | ServedBy
    | RegisteredBetween
    | Bought
    | NoPurchaseFor
    | PointsAtLeast
    | HoldsCoupon
    | AtEvent
    | BabyAgeMonths
    | LivesIn
    | GenderIs
    | SpeaksLocale
    | WechatCredit
    | MarketingConsent
    | LineFriend
    | AtStage
    | ValueBetween
)
