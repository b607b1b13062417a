"""What HQ reads of its members beyond attribution: demographics (members versus buyers), cohorts,
repurchase."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from insight import cohorts, demographics, event_effect, repurchase, rfm
from schema.enums import client_enum
from schema.types.broadcast import LiftEstimate
from schema.types.money import Money, money

AS_OF = (
    "When the purchases behind these figures were read: the last refresh of the brand's pre-computed tables "
    "(PostgreSQL, `scrm refresh-insight`, for every purchase), or the moment of the request when read live "
    "(SQLite, before the first refresh, or one campaign's purchases)."
)

Trait = client_enum(
    demographics.Trait,
    "A member trait demographics are grouped by.",
    {
        demographics.Trait.GENDER: "The gender the member gave.",
        demographics.Trait.AGE_BAND: "The member's age from their birthday: UNDER_25, 25_29, 30_34, 35_39, 40_PLUS.",
        demographics.Trait.CITY: "The city the member gave.",
        demographics.Trait.BABY_AGE_BAND: "The baby's life stage: expecting (a due date only), 0_5, 6_11, 12_23, "
        "24_35 or 36_plus months.",
        demographics.Trait.LOCALE: "The language the member reads.",
    },
)


@strawberry.type(description="One group of members who share a trait: how many, how many bought, their revenue.")
class DemographicGroup:
    key: str | None = strawberry.field(
        description="The trait's value (a gender, a band such as 30_34 or 6_11_months, a city, a locale); "
        "null: not given."
    )
    members: int = strawberry.field(description="Registered members in the group.")
    buyers: int = strawberry.field(description="Of those, members who bought (purchases net of returns, ever).")
    as_of: datetime = strawberry.field(description=AS_OF)
    revenue_cents: strawberry.Private[int]

    @strawberry.field(description="What the buyers spent, net of returns, ever.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)

    @classmethod
    def of(cls, row: demographics.Row, now: datetime) -> DemographicGroup:
        return cls(
            key=row.key, members=row.members, buyers=row.buyers, as_of=row.as_of or now, revenue_cents=row.revenue_cents
        )


@strawberry.type(description="One month of a cohort: what its members did that many months after registering.")
class CohortCell:
    since: int = strawberry.field(description="Months since the registration month (0: that month).")
    buyers: int = strawberry.field(description="Members of the cohort who bought that month (net of returns).")
    again: int = strawberry.field(description="Of those, members who had bought in an earlier month since registering.")
    rate: float = strawberry.field(description="buyers / the cohort's members (0-1).")
    revenue_cents: strawberry.Private[int]

    @strawberry.field(description="Purchases net of returns that month.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)


@strawberry.type(description="The members who registered in one month, and what they did in each month since.")
class CohortRow:
    month: date = strawberry.field(description="The first day of the registration month (the brand's calendar).")
    members: int = strawberry.field(description="Members who registered that month (erased ones not counted).")
    cells: list[CohortCell] = strawberry.field(description="Month 0 up to the current month (at most 24).")
    as_of: datetime = strawberry.field(description=AS_OF)

    @classmethod
    def of(cls, cohort: cohorts.Cohort, now: datetime) -> CohortRow:
        cells = [
            CohortCell(
                since=c.since,
                buyers=c.buyers,
                again=c.returning,
                rate=round(c.buyers / cohort.members, 4) if cohort.members else 0.0,
                revenue_cents=c.revenue_cents,
            )
            for c in cohort.cells
        ]
        return cls(month=cohort.month, members=cohort.members, cells=cells, as_of=cohort.as_of or now)


@strawberry.type(description="Whether members come back in a period.")
class RepurchaseFigures:
    buyers: int = strawberry.field(description="Members who bought in the period (net of returns).")
    repeat_buyers: int = strawberry.field(description="Of those, members who bought twice or more.")
    rate: float = strawberry.field(description="repeatBuyers / buyers (0-1; 0 when nobody bought).")
    mean_days_between: float | None = strawberry.field(
        description="Mean days from one purchase to the same member's next, within the period; null if none."
    )
    loyal: int = strawberry.field(
        description="Loyal customers: at least loyalPurchases purchases in the loyalMonths before the period's end."
    )
    loyal_purchases: int = strawberry.field(description="The rule's purchases.")
    loyal_months: int = strawberry.field(description="The rule's months.")
    as_of: datetime = strawberry.field(description=AS_OF)

    @classmethod
    def of(cls, figures: repurchase.Repurchase, now: datetime) -> RepurchaseFigures:
        return cls(
            buyers=figures.buyers,
            repeat_buyers=figures.repeat_buyers,
            rate=round(figures.rate, 4),
            mean_days_between=figures.mean_days_between,
            loyal=figures.loyal,
            loyal_purchases=figures.loyal_purchases,
            loyal_months=figures.loyal_months,
            as_of=figures.as_of or now,
        )


@strawberry.type(
    description="One RFM group: members scored 1-5 on recency, frequency and monetary value by quintiles of "
    "the window's buyers, grouped: champions (R>=4, F>=4), loyal (F>=4), potential_loyalists (R>=4, F>=2), "
    "new (R>=4), at_risk (R<=2, F>=3), hibernating (R<=2), need_attention (the rest)."
)
class RfmGroup:
    name: str = strawberry.field(
        description="champions, loyal, potential_loyalists, new, at_risk, hibernating or need_attention."
    )
    members: int = strawberry.field(description="Members in the group.")
    as_of: datetime = strawberry.field(description=AS_OF)
    revenue_cents: strawberry.Private[int]

    @strawberry.field(description="What they spent in the window, net of returns.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)

    @classmethod
    def of(cls, group: rfm.Group, now: datetime) -> RfmGroup:
        return cls(name=group.name, members=group.members, as_of=group.as_of or now, revenue_cents=group.revenue_cents)


@strawberry.type(description="One group of an event's comparison and what it bought in the days after the event.")
class EventGroupOutcome:
    group: str = strawberry.field(
        description="attended; no_show (confirmed, did not come); stayed_away (members of the attendees' stores "
        "who registered before the event and did not sign up)."
    )
    members: int = strawberry.field(description="Members in the group.")
    buyers: int = strawberry.field(description="Of those, members who bought in the window (net of returns).")
    purchases: int = strawberry.field(description="Their purchases in the window.")
    revenue_cents: strawberry.Private[int]

    @strawberry.field(description="Their revenue in the window, net of returns.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)


@strawberry.type(
    description="What followed an event: attendees' purchases after it against similar members. A comparison, "
    "not a randomised holdout: read the differences as association."
)
class EventEffect:
    days: int = strawberry.field(description="Purchases are counted over this many days after the event ended.")
    groups: list[EventGroupOutcome] = strawberry.field(description="attended, no_show, stayed_away.")
    buyer_rate_vs_no_shows: LiftEstimate | None = strawberry.field(
        description="Attendees' share who bought minus no-shows' (null when a group is empty)."
    )
    buyer_rate_vs_stayed_away: LiftEstimate | None = strawberry.field(
        description="Attendees' share who bought minus the stayed-away's."
    )
    revenue_vs_stayed_away: LiftEstimate | None = strawberry.field(
        description="Attendees' revenue per member minus the stayed-away's, in minor units (2+ in each group)."
    )

    @classmethod
    def of(cls, effect: event_effect.Effect) -> EventEffect:
        return cls(
            days=effect.days,
            groups=[
                EventGroupOutcome(
                    group=group.value,
                    members=o.members,
                    buyers=o.buyers,
                    purchases=o.purchases,
                    revenue_cents=o.revenue_cents,
                )
                for group, o in effect.groups.items()
            ],
            buyer_rate_vs_no_shows=LiftEstimate.of(effect.buyer_rate_vs_no_shows),
            buyer_rate_vs_stayed_away=LiftEstimate.of(effect.buyer_rate_vs_stayed_away),
            revenue_vs_stayed_away=LiftEstimate.of(effect.revenue_vs_stayed_away),
        )
