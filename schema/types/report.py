from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.models import Channel as ChannelValue
from referral.services import reports
from schema import ids
from schema.types.campaign import Campaign
from schema.types.guide import Guide
from schema.types.store import Store

Dimension = strawberry.enum(reports.Dimension, description="What attribution figures are grouped by.")
Metric = strawberry.enum(reports.Metric, description="The figure a leaderboard ranks by.")


_ID_TYPES = {reports.Dimension.GUIDE: "Guide", reports.Dimension.STORE: "Store", reports.Dimension.CAMPAIGN: "Campaign"}


@strawberry.type(
    description="Attribution figures for one guide, store, channel, campaign rule or registration tag over a period."
)
class AttributionRow:
    dimension: strawberry.Private[reports.Dimension]
    raw_key: strawberry.Private[str | None]
    new_members: int
    referred_members: int
    purchases: int
    revenue_cents: int
    coupons_issued: int
    coupons_written_off: int
    event_sign_ups: int
    events_attended: int

    @strawberry.field(
        description="The guide, store or campaign ID, the channel (a `Channel` value, as the `channel` filter takes "
        "it) or the registration tag; null = none (unattributed, no campaign, no tag)."
    )
    def key(self) -> str | None:
        if self.raw_key is None or self.dimension is reports.Dimension.REGISTRATION_TAG:
            return self.raw_key
        if self.dimension is reports.Dimension.CHANNEL:
            return ChannelValue(self.raw_key).name
        return ids.encode(_ID_TYPES[self.dimension], int(self.raw_key))

    @strawberry.field(description="The guide, when grouped by guide.")
    async def guide(self, info: Info) -> Guide | None:
        if self.dimension is not reports.Dimension.GUIDE or self.raw_key is None:
            return None
        row = await info.context.loaders.guide.load(int(self.raw_key))
        return Guide(row=row) if row else None

    @strawberry.field(description="The store, when grouped by store.")
    async def store(self, info: Info) -> Store | None:
        if self.dimension is not reports.Dimension.STORE or self.raw_key is None:
            return None
        row = await info.context.loaders.store.load(int(self.raw_key))
        return Store.of(row) if row else None

    @strawberry.field(description="The campaign rule, when grouped by campaign.")
    async def campaign(self, info: Info) -> Campaign | None:
        if self.dimension is not reports.Dimension.CAMPAIGN or self.raw_key is None:
            return None
        row = await info.context.loaders.campaign.load(int(self.raw_key))
        return Campaign(row=row) if row else None

    @classmethod
    def of(cls, dimension: reports.Dimension, figures: reports.Figures) -> AttributionRow:
        values = {k: v for k, v in figures.__dict__.items() if k != "key"}
        return cls(dimension=dimension, raw_key=figures.key, **values)


@strawberry.type(description="How many members are at each journey stage.")
class FunnelStep:
    stage: str
    members: int
