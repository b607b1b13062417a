from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from reach.broadcasts import broadcast_of
from referral.models import Touch as TouchModel, TouchKind as TouchKindValue
from referral.services import profiles
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.money import Money, money
from schema.types.node import Node

Stage = client_enum(
    profiles.Stage,
    "Where the member is in the customer journey.",
    {
        profiles.Stage.AWARE: "Met the brand but has not registered.",
        profiles.Stage.REGISTERED: "Registered, no purchase yet.",
        profiles.Stage.PURCHASED: "One purchase.",
        profiles.Stage.REPEAT: "Two or more purchases.",
        profiles.Stage.ADVOCATE: "Brought at least one friend who registered.",
    },
)
TouchKind = client_enum(
    TouchKindValue,
    "A point where the brand met the member.",
    {
        TouchKindValue.SIGN_IN: "Signed in to the mini-program.",
        TouchKindValue.REGISTRATION: "Registered as a member.",
        TouchKindValue.GUIDE_SCAN: "Scanned a guide's QR code.",
        TouchKindValue.INVITE_SCAN: "Scanned another member's invitation.",
        TouchKindValue.GUIDE_CHANGE: "Was bound to another guide.",
        TouchKindValue.REFERRAL: "A friend they invited registered.",
        TouchKindValue.PURCHASE: "Claimed an item code.",
        TouchKindValue.PURCHASE_REVERSED: "A claim was reversed (return or fraud).",
        TouchKindValue.COUPON_ISSUED: "Received a coupon.",
        TouchKindValue.COUPON_WRITTEN_OFF: "Used a coupon in store.",
        TouchKindValue.EVENT_SIGN_UP: "Signed up for an event.",
        TouchKindValue.EVENT_CHECK_IN: "Checked in at an event.",
        TouchKindValue.EVENT_INTERACTION: "Took part in an event's poll, quiz or draw.",
        TouchKindValue.TASK_DONE: "Their guide did a task for them (a call, a visit), credited to the guide.",
        TouchKindValue.BROADCAST_RECEIVED: "Was sent a broadcast (broadcastId says which): what follows came after it.",
    },
)


@strawberry.type(description="One part of a value score: what was counted, its weight, the points it gives.")
class ScorePart:
    score: str = strawberry.field(description="revenue, engagement or influence.")
    label: str = strawberry.field(description="What was counted.")
    count: int = strawberry.field(description="How many of it.")
    weight: float = strawberry.field(description="Points per one.")
    points: float = strawberry.field(description="count x weight.")


@strawberry.type(description="Value = revenue + engagement + influence; `parts` shows how each was reached.")
class ValueScore:
    total: float = strawberry.field(description="Revenue + engagement + influence.")
    revenue: float = strawberry.field(description="The part earned by purchases.")
    engagement: float = strawberry.field(description="The part earned by sign-ins, events and coupons.")
    influence: float = strawberry.field(description="The part earned by friends they brought.")
    parts: list[ScorePart] = strawberry.field(description="Each counted item with its weight.")


@strawberry.type(description="What the brand knows of a member: journey stage, tags and value.")
class Profile:
    stage: Stage = strawberry.field(description="Where they are in the customer journey.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    tags: list[str] = strawberry.field(description="HQ's tags on the member, then automatic ones.")
    value: ValueScore = strawberry.field(description="Their value score and how it was reached.")
    purchases: int = strawberry.field(description="Claims that stand (reversals excluded).")
    revenue_cents: int = strawberry.field(
        description="Revenue of those claims, in minor units.", deprecation_reason="Use revenue."
    )
    last_touch_at: datetime | None = strawberry.field(description="Their latest touch point.")

    @strawberry.field(description="Revenue of those claims.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)

    @classmethod
    def of(cls, profile: profiles.Profile, manual_tags: list[str]) -> Profile:
        v = profile.value
        return cls(
            stage=profile.stage,
            tags=manual_tags + profile.auto_tags,
            value=ValueScore(
                total=v.total,
                revenue=v.revenue,
                engagement=v.engagement,
                influence=v.influence,
                parts=[
                    ScorePart(score=p.score, label=p.label, count=p.count, weight=p.weight, points=p.points)
                    for p in v.parts
                ],
            ),
            purchases=profile.stats.purchases,
            revenue_cents=profile.stats.revenue_cents,
            last_touch_at=profile.stats.last_touch_at,
        )


@strawberry.type(description="A touch point in a member's timeline.")
class Touch(Node):
    row: strawberry.Private[TouchModel]

    @strawberry.field(description="Global id of the touch point.")
    def id(self) -> strawberry.ID:
        return ids.encode("Touch", self.row.id)

    kind = column(TouchKind, description="What happened.")

    occurred_at = column(datetime, description="When it happened.")

    amount_cents = column(int, description="The money involved, in minor units.", deprecation_reason="Use amount.")

    @strawberry.field(description="The money involved (0 if none).")
    async def amount(self, info: Info) -> Money:
        return await money(info, self.row.amount_cents)

    @strawberry.field(description="For BROADCAST_RECEIVED: the broadcast's global id; null otherwise.")
    def broadcast_id(self) -> strawberry.ID | None:
        found = broadcast_of(self.row.source) if self.row.kind is TouchKindValue.BROADCAST_RECEIVED else None
        return ids.encode("Broadcast", found) if found is not None else None

    campaign = column(
        str | None, description="The registration tag the member registered with (on REGISTRATION touches)."
    )

    @strawberry.field(description="The guide credited with it, if any.")
    def guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.guide_id) if self.row.guide_id else None

    @strawberry.field(description="That guide's store, if any.")
    def store_id(self) -> strawberry.ID | None:
        return ids.encode("Store", self.row.store_id) if self.row.store_id else None
