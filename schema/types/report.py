from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from referral.models import Channel as ChannelValue
from referral.services import report_series, reports
from schema import ids
from schema.enums import client_enum
from schema.types.campaign import Campaign
from schema.types.guide import Guide
from schema.types.money import Money, money
from schema.types.store import Store

Dimension = client_enum(
    reports.Dimension,
    "What attribution figures are grouped by.",
    {
        reports.Dimension.GUIDE: "The guide the member was bound to when it happened.",
        reports.Dimension.STORE: "The store of that guide.",
        reports.Dimension.CHANNEL: "How the member came to register.",
        reports.Dimension.CAMPAIGN: "The campaign that rewarded it.",
        reports.Dimension.REGISTRATION_TAG: "The tag carried by the QR code the member registered with.",
        reports.Dimension.PRODUCT: "The SKU bought: purchases, returns and revenue per product (other figures "
        "have no product: null).",
        reports.Dimension.PRODUCT_LINE: "The product line of what was bought, as its batch named it when sold "
        "(none named, and other figures: null).",
    },
)
Metric = client_enum(
    reports.Metric,
    "The figure a leaderboard ranks by.",
    {
        reports.Metric.NEW_MEMBERS: "Members who registered in the period.",
        reports.Metric.REFERRED_MEMBERS: "Members invited by other members in the period.",
        reports.Metric.PURCHASES: "Item codes claimed in the period, less reversals.",
        reports.Metric.REVENUE_CENTS: "Revenue of those purchases, in minor units.",
        reports.Metric.COUPONS_WRITTEN_OFF: "Coupons used in store in the period.",
        reports.Metric.EVENTS_ATTENDED: "Event check-ins in the period.",
        reports.Metric.TASKS_DONE: "Tasks guides marked done in the period (myTasks).",
        reports.Metric.TASKS_FOLLOWED_BY_PURCHASE: "Tasks done in the period whose member bought within 14 days after.",
    },
)


_ID_TYPES = {reports.Dimension.GUIDE: "Guide", reports.Dimension.STORE: "Store", reports.Dimension.CAMPAIGN: "Campaign"}


@strawberry.type(
    description="Attribution figures for one guide, store, channel, campaign rule or registration tag over a period."
)
class AttributionRow:
    dimension: strawberry.Private[reports.Dimension]
    raw_key: strawberry.Private[str | None]
    new_members: int = strawberry.field(description="Members who registered.")
    referred_members: int = strawberry.field(description="Members invited by other members who registered.")
    purchases: int = strawberry.field(description="Claims, less reversals.")
    revenue_cents: int = strawberry.field(
        description="Revenue of those claims, in minor units (overflows past 2^31).", deprecation_reason="Use revenue."
    )
    coupons_issued: int = strawberry.field(description="Coupons issued.")
    coupons_written_off: int = strawberry.field(description="Coupons used in store.")
    event_sign_ups: int = strawberry.field(description="Event sign-ups.")
    events_attended: int = strawberry.field(description="Event check-ins.")
    tasks_done: int = strawberry.field(description="Tasks the guide marked done (credited to guide and store).")
    tasks_followed_by_purchase: int = strawberry.field(
        description="Of those, the tasks whose member bought within 14 days after (what followed the task)."
    )
    as_of: datetime | None = strawberry.field(
        default=None,
        description="When the touches behind the row were read: the last refresh of the brand's pre-computed days "
        "(PostgreSQL, `scrm refresh-insight`, for rows by guide, store, campaign, channel or registration tag; the "
        "part-days at the period's ends are read live), or the moment of the request when read live. Null within "
        "a series point (the point says).",
    )

    @strawberry.field(description="Revenue of those claims.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.revenue_cents)

    @strawberry.field(
        description="The guide, store or campaign ID, the channel (a `Channel` value, as the `channel` filter takes "
        "it), the registration tag, the product's SKU or line; null = none (unattributed, no campaign, no tag, no "
        "product)."
    )
    def key(self) -> str | None:
        if self.raw_key is None or self.dimension in reports.TEXT_KEYS:
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
    def of(
        cls, dimension: reports.Dimension, figures: reports.Figures, as_of: datetime | None = None
    ) -> AttributionRow:
        values = {k: v for k, v in figures.__dict__.items() if k != "key"}
        return cls(dimension=dimension, raw_key=figures.key, as_of=as_of, **values)


Grain = client_enum(
    report_series.Grain,
    "How long each point of a time series is, in the brand's calendar and time zone.",
    {
        report_series.Grain.DAY: "A day, from local midnight.",
        report_series.Grain.WEEK: "A week, from Monday's local midnight.",
        report_series.Grain.MONTH: "A calendar month, from the 1st's local midnight.",
    },
)


@strawberry.type(description="One point of a time series: a bucket of the period and its figures.")
class AttributionPoint:
    start: datetime = strawberry.field(description="The bucket's start (the first clipped to the period's).")
    end: datetime = strawberry.field(description="The bucket's end, exclusive (the last clipped to the period's).")
    figures: AttributionRow = strawberry.field(description="The figures of the bucket (key null).")
    as_of: datetime = strawberry.field(
        description="When the touches behind the figures were read: the last refresh of the brand's pre-computed "
        "days (PostgreSQL, `scrm refresh-insight`; the part-days at the period's ends are read live), or the moment "
        "of the request when read live (SQLite, before the first refresh, one guide's series, or a period across "
        "a daylight-saving change)."
    )

    @classmethod
    def of(cls, point: report_series.Point, as_of: datetime) -> AttributionPoint:
        figures = AttributionRow.of(reports.Dimension.GUIDE, point.figures)
        return cls(start=point.start, end=point.end, figures=figures, as_of=as_of)


@strawberry.type(description="How many members are at each journey stage.")
class FunnelStep:
    stage: str = strawberry.field(description="The journey stage.")
    members: int = strawberry.field(description="Members at that stage now.")
    as_of: datetime = strawberry.field(
        description="When the purchases behind the stages were read: the last refresh of the brand's pre-computed "
        "tables (PostgreSQL, `scrm refresh-insight`; registrations and referrals are read live), or the moment of "
        "the request when read live."
    )
