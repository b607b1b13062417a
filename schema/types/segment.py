"""Segment conditions as GraphQL input (one condition per object, @oneOf), translated into reach's."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from reach import conditions as c, segments
from reach.models import Segment as SegmentModel
from referral.models import Channel as ChannelValue, Gender as GenderValue
from referral.services.profiles import Score, Stage as StageValue
from schema import ids
from schema.columns import column
from schema.enums import client_enum
from schema.types.member import Channel, Gender, Member
from schema.types.node import Node
from schema.types.profile import Stage


@strawberry.input(description="A period [from, to).")
class PeriodInput:
    from_: datetime = strawberry.field(name="from", description="Start (inclusive), with its offset.")
    to: datetime = strawberry.field(description="End (exclusive), with its offset.")


@strawberry.input(description="Purchases (claims that stand).")
class BoughtInput:
    at_least: int = strawberry.field(default=1, description="How many, at least.")
    sku: str | None = strawberry.field(default=None, description="Only of this SKU.")
    within_days: int | None = strawberry.field(default=None, description="Only in the last N days.")


@strawberry.input(description="An unused coupon.")
class HoldsCouponInput:
    template_id: strawberry.ID | None = strawberry.field(default=None, description="Only of this template.")
    expiring_within_days: int | None = strawberry.field(default=None, description="Only expiring within N days.")


@strawberry.input(description="An event sign-up.")
class AtEventInput:
    event_id: strawberry.ID | None = strawberry.field(default=None, description="This event; any if left out.")
    attended: bool = strawberry.field(default=False, description="Checked in, not only signed up.")
    missed: bool = strawberry.field(
        default=False, description="Confirmed but did not check in at an event that has ended."
    )


@strawberry.input(description="A range of whole months, both ends included.")
class MonthsInput:
    at_least: int = strawberry.field(description="Youngest, in months.")
    at_most: int = strawberry.field(description="Oldest, in months.")


ValueScoreName = client_enum(
    Score,
    "Which value score (a member profile's value = revenue + engagement + influence).",
    name="ValueScoreName",
    values={
        Score.TOTAL: "Revenue + engagement + influence.",
        Score.REVENUE: "1 point per currency unit spent, net of returns.",
        Score.ENGAGEMENT: "Scans, event sign-ups and check-ins, coupons used (weighted).",
        Score.INFLUENCE: "Members brought, and a share of what they spent.",
    },
)


@strawberry.input(description="A value score in a range of points, both ends included; one end may be left out.")
class ValueInput:
    score: ValueScoreName = strawberry.field(default=Score.TOTAL, description="Which score; the total if left out.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    at_least: int | None = strawberry.field(default=None, description="At least this many points.")
    at_most: int | None = strawberry.field(default=None, description="At most this many points.")


@strawberry.input(one_of=True, description="One condition: set exactly one field. Combine with allOf, anyOf, not.")
class SegmentCondition:
    all_of: list[SegmentCondition] | None = strawberry.field(default=strawberry.UNSET, description="All of these.")
    any_of: list[SegmentCondition] | None = strawberry.field(default=strawberry.UNSET, description="Any of these.")
    not_: SegmentCondition | None = strawberry.field(default=strawberry.UNSET, name="not", description="Not this.")
    tag_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Carries this tag.")
    channel: Channel | None = strawberry.field(default=strawberry.UNSET, description="Came by this channel.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    store_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Served by this store.")
    guide_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Served by this guide.")
    registered: PeriodInput | None = strawberry.field(default=strawberry.UNSET, description="Registered in.")
    bought: BoughtInput | None = strawberry.field(default=strawberry.UNSET, description="Has bought.")
    no_purchase_for_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Bought before, nothing for N days."
    )
    points_at_least: int | None = strawberry.field(default=strawberry.UNSET, description="Has this many points.")
    holds_coupon: HoldsCouponInput | None = strawberry.field(default=strawberry.UNSET, description="Holds a coupon.")
    at_event: AtEventInput | None = strawberry.field(default=strawberry.UNSET, description="Signed up or came.")
    baby_age_months: MonthsInput | None = strawberry.field(
        default=strawberry.UNSET, description="The baby's age today."
    )
    city: str | None = strawberry.field(default=strawberry.UNSET, description="Lives in this city.")
    gender: Gender | None = strawberry.field(default=strawberry.UNSET, description="Has this gender.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    locale: str | None = strawberry.field(default=strawberry.UNSET, description="Speaks this locale.")
    wechat_credit: str | None = strawberry.field(
        default=strawberry.UNSET, description="Has an unused subscribe acceptance of this template id."
    )
    marketing_consent: bool | None = strawberry.field(
        default=strawberry.UNSET, description="true: agreed to marketing; false: has not."
    )
    line_friend: bool | None = strawberry.field(default=strawberry.UNSET, description="true: can be pushed on LINE.")
    stage: Stage | None = strawberry.field(default=strawberry.UNSET, description="At this journey stage now.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    value: ValueInput | None = strawberry.field(
        default=strawberry.UNSET, description="A value score (as on the member's profile) in a range."
    )

    def to_domain(self) -> c.Condition:  # noqa: C901 - one branch per field of the one-of
        if self.all_of:
            return c.AllOf(tuple(x.to_domain() for x in self.all_of))
        if self.any_of:
            return c.AnyOf(tuple(x.to_domain() for x in self.any_of))
        if self.all_of is not strawberry.UNSET or self.any_of is not strawberry.UNSET:
            return c.AllOf(())  # an empty list: refused by reach as empty
        if self.not_:
            return c.NotThis(self.not_.to_domain())
        if self.tag_id:
            return c.HasTag(ids.decode(self.tag_id, "Tag", field="tagId"))
        if self.channel:
            return c.CameBy(ChannelValue(self.channel.value))
        if self.store_id:
            return c.InStore(ids.decode(self.store_id, "Store", field="storeId"))
        if self.guide_id:
            return c.ServedBy(ids.decode(self.guide_id, "Guide", field="guideId"))
        if self.registered:
            return c.RegisteredBetween(self.registered.from_, self.registered.to)
        if self.bought:
            return c.Bought(self.bought.at_least, self.bought.sku, self.bought.within_days)
        if self.no_purchase_for_days is not strawberry.UNSET and self.no_purchase_for_days is not None:
            return c.NoPurchaseFor(self.no_purchase_for_days)
        if self.points_at_least is not strawberry.UNSET and self.points_at_least is not None:
            return c.PointsAtLeast(self.points_at_least)
        if self.holds_coupon:
            template = self.holds_coupon.template_id
            return c.HoldsCoupon(
                ids.decode(template, "CouponTemplate", field="templateId") if template else None,
                self.holds_coupon.expiring_within_days,
            )
        if self.at_event:
            event = self.at_event.event_id
            return c.AtEvent(
                ids.decode(event, "Event", field="eventId") if event else None,
                self.at_event.attended,
                self.at_event.missed,
            )
        if self.baby_age_months:
            return c.BabyAgeMonths(self.baby_age_months.at_least, self.baby_age_months.at_most)
        if self.city:
            return c.LivesIn(self.city)
        if self.gender:
            return c.GenderIs(GenderValue(self.gender.value))
        if self.locale:
            return c.SpeaksLocale(self.locale)
        if self.wechat_credit:
            return c.WechatCredit(self.wechat_credit)
        if self.marketing_consent is True:
            return c.MarketingConsent()
        if self.marketing_consent is False:
            return c.NotThis(c.MarketingConsent())
        if self.line_friend is True:
            return c.LineFriend()
        if self.line_friend is False:
            return c.NotThis(c.LineFriend())
        if self.stage:
            return c.AtStage(StageValue(self.stage.value))
        if self.value:
            return c.ValueBetween(Score(self.value.score.value), self.value.at_least, self.value.at_most)
        return c.AllOf(())


@strawberry.type(description="Who a segment holds now: how many, and the first few (each read only when asked).")
class SegmentPreview:
    scope: strawberry.Private[segments.Scope]
    condition: strawberry.Private[c.Condition]
    now: strawberry.Private[datetime]
    sample_size: strawberry.Private[int]

    @strawberry.field(description="Members the conditions select, in the caller's scope.")
    async def count(self) -> int:
        return await segments.count(scope=self.scope, condition=self.condition, now=self.now, checked=True)

    @strawberry.field(description="The first members by id, up to sampleSize.")
    async def sample(self, info: Info) -> list[Member]:
        if not self.sample_size:  # a limit of 0 would be no limit at all
            return []
        found = await segments.member_ids(
            scope=self.scope, condition=self.condition, now=self.now, limit=self.sample_size
        )
        rows = await info.context.loaders.member.load_many(found) if found else []
        return [Member(row=row) for row in rows if row is not None]


@strawberry.type(description="A saved segment: conditions evaluated whenever it is used, never a stored list.")
class Segment(Node):
    row: strawberry.Private[SegmentModel]

    @strawberry.field(description="Global id of the segment.")
    def id(self) -> strawberry.ID:
        return ids.encode("Segment", self.row.id)

    name = column(str, description="The brand's name for it.")

    created_at = column(datetime, description="When it was saved first.")

    updated_at = column(datetime, description="When it was last changed.")
