from __future__ import annotations

from datetime import datetime

import strawberry

from referral.models import Touch as TouchModel, TouchKind as TouchKindValue
from referral.services import profiles
from schema import ids
from schema.columns import column

Stage = strawberry.enum(profiles.Stage, description="Where the member is in the customer journey.")
TouchKind = strawberry.enum(TouchKindValue)


@strawberry.type(description="One part of a value score: what was counted, its weight, the points it gives.")
class ScorePart:
    score: str
    label: str
    count: int
    weight: float
    points: float


@strawberry.type(description="Value = revenue + engagement + influence; `parts` shows how each was reached.")
class ValueScore:
    total: float
    revenue: float
    engagement: float
    influence: float
    parts: list[ScorePart]


@strawberry.type
class Profile:
    stage: Stage  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    tags: list[str] = strawberry.field(description="HQ's tags on the member, then automatic ones.")
    value: ValueScore
    purchases: int
    revenue_cents: int
    last_touch_at: datetime | None

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
class Touch:
    row: strawberry.Private[TouchModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Touch", self.row.id)

    kind = column(TouchKind)

    occurred_at = column(datetime)

    amount_cents = column(int)

    campaign = column(str | None)

    @strawberry.field
    def guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.guide_id) if self.row.guide_id else None

    @strawberry.field
    def store_id(self) -> strawberry.ID | None:
        return ids.encode("Store", self.row.store_id) if self.row.store_id else None
