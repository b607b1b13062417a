"""What HQ reads of its members beyond attribution: demographics (members versus buyers)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from insight import demographics
from schema.enums import client_enum
from schema.types.money import Money, money

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
    revenue_cents: strawberry.Private[int]

    @strawberry.field(description="What the buyers spent, net of returns, ever.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)

    @classmethod
    def of(cls, row: demographics.Row) -> DemographicGroup:
        return cls(key=row.key, members=row.members, buyers=row.buyers, revenue_cents=row.revenue_cents)
