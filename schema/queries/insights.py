"""What HQ, store managers and guides read: attribution figures, leaderboard, funnel, a guide's members."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from foundation.auth.caller import Caller
from foundation.tenancy import regional
from insight import attribution as day_attribution, funnel as journey_funnel, series as attribution_series
from loyalty.services import campaigns
from referral.models import Channel as ChannelValue
from referral.services import data_rights, members, report_series, reports, tags
from schema import ids
from schema.arguments import After, First, From, Offset, To
from schema.errors import SchemaError, SchemaErrorCode
from schema.pagination import DEFAULT_PAGE, MAX_PAGE, Connection, paginate
from schema.permissions import IsConsumer, IsGuide, IsHQ, IsStoreStaff, report_store, require_caller, store_scope
from schema.reads import report
from schema.throttles import SEARCH, throttled
from schema.types.member import Channel, Member
from schema.types.report import AttributionPoint, AttributionRow, Dimension, FunnelStep, Grain, Metric
from schema.types.tag import Tag

FOLLOWED = "tasksFollowedByPurchase"


def asks_for(info: Info, field: str) -> bool:
    """Whether the query selects `field` anywhere under this one (through fragments too)."""

    def found(selections: list[Any]) -> bool:
        return any(getattr(s, "name", None) == field or found(getattr(s, "selections", [])) for s in selections)

    return found(info.selected_fields)


async def _filters(
    caller: Caller,
    store_id: strawberry.ID | None,
    guide_id: strawberry.ID | None,
    channel: ChannelValue | None,
    campaign_id: strawberry.ID | None,
    registration_tag: str | None,
) -> reports.Filters:
    """A report's filters from its arguments, scoped to the caller's store for a store manager."""
    store = report_store(caller, ids.decode(store_id, "Store", field="storeId") if store_id else None)
    campaign = ids.decode(campaign_id, "Campaign", field="campaignId") if campaign_id else None
    if campaign is not None:
        await campaigns.get(brand_id=caller.brand_id, campaign_id=campaign)
    return reports.Filters(
        guide_id=ids.decode(guide_id, "Guide", field="guideId") if guide_id else None,
        store_id=store,
        channel=ChannelValue(channel.value) if channel else None,
        campaign_id=campaign,
        registration_tag=registration_tag,
    )


@strawberry.type
class InsightQueries:
    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Attribution figures for [from, to) grouped by one dimension. A store manager sees their store.",
    )
    @report
    async def attribution(
        self,
        info: Info,
        from_: From,
        to: To,
        by: Annotated[Dimension, strawberry.argument(description="What the rows are.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        store_id: strawberry.ID | None = None,
        guide_id: strawberry.ID | None = None,
        channel: Annotated[
            Channel | None, strawberry.argument(description="Only members who registered through this channel.")
        ] = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: Annotated[strawberry.ID | None, strawberry.argument(description="A campaign rule's ID.")] = None,
        registration_tag: Annotated[
            str | None, strawberry.argument(description="The free-text tag sent with `register(input: {campaign})`.")
        ] = None,
        first: First = 50,
        offset: Offset = 0,
    ) -> list[AttributionRow] | None:
        caller = require_caller(info)
        _check_page(first, offset)
        filters = await _filters(caller, store_id, guide_id, channel, campaign_id, registration_tag)
        brand = await info.context.loaders.brand.load(caller.brand_id)
        rows, as_of = await day_attribution.attribution(
            brand_id=caller.brand_id,
            start=from_,
            end=to,
            by=reports.Dimension(by.value),
            zone=regional.of(brand).zone,
            filters=filters,
            limit=first,
            offset=offset,
            followed=asks_for(info, FOLLOWED),
        )
        return [AttributionRow.of(reports.Dimension(by.value), r, as_of or info.context.now()) for r in rows]

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="The attribution figures over [from, to) as a time series: a point per day, week (from "
        "Monday) or month of the brand's calendar, in its time zone. A store manager sees their store.",
    )
    @report
    async def attribution_series(
        self,
        info: Info,
        from_: From,
        to: To,
        grain: Annotated[Grain, strawberry.argument(description="A point per day, week or month.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        store_id: strawberry.ID | None = None,
        guide_id: strawberry.ID | None = None,
        channel: Annotated[
            Channel | None, strawberry.argument(description="Only members who registered through this channel.")
        ] = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: Annotated[strawberry.ID | None, strawberry.argument(description="A campaign rule's ID.")] = None,
        registration_tag: Annotated[
            str | None, strawberry.argument(description="The free-text tag sent with `register(input: {campaign})`.")
        ] = None,
    ) -> list[AttributionPoint] | None:
        caller = require_caller(info)
        brand = await info.context.loaders.brand.load(caller.brand_id)
        points, as_of = await attribution_series.series(
            brand_id=caller.brand_id,
            start=from_,
            end=to,
            grain=report_series.Grain(grain.value),
            zone=regional.of(brand).zone,
            filters=await _filters(caller, store_id, guide_id, channel, campaign_id, registration_tag),
            followed=asks_for(info, FOLLOWED),
        )
        return [AttributionPoint.of(point, as_of or info.context.now()) for point in points]

    @strawberry.field(permission_classes=[IsHQ], description="Guides ranked by one figure over [from, to).")
    @report
    async def leaderboard(
        self,
        info: Info,
        from_: From,
        to: To,
        metric: Annotated[Metric, strawberry.argument(description="The figure guides are ranked by.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        first: First = 20,
    ) -> list[AttributionRow] | None:
        caller = require_caller(info)
        _check_page(first, 0)
        rows = await reports.leaderboard(
            brand_id=caller.brand_id,
            start=from_,
            end=to,
            metric=reports.Metric(metric.value),
            limit=first,
            followed=asks_for(info, FOLLOWED),
        )
        return [AttributionRow.of(reports.Dimension.GUIDE, r, info.context.now()) for r in rows]

    @strawberry.field(permission_classes=[IsStoreStaff], description="Members by journey stage now.")
    @report
    async def funnel(self, info: Info) -> list[FunnelStep] | None:
        caller = require_caller(info)
        counts, as_of = await journey_funnel.funnel(brand_id=caller.brand_id, store_id=store_scope(caller))
        return [
            FunnelStep(stage=stage.value, members=n, as_of=as_of or info.context.now()) for stage, n in counts.items()
        ]

    @strawberry.field(
        permission_classes=[IsGuide],
        description="The members you serve, oldest first; search by name, invite code, the whole phone number or "
        "exactly its last four digits (searches are rate-limited).",
    )
    @throttled(SEARCH)
    async def my_members(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None, search: str | None = None
    ) -> Connection[Member] | None:
        caller = require_caller(info)
        q = members.served_by(brand_id=caller.brand_id, guide_id=caller.guide_id, search=search)
        return await paginate(q, first=first, after=after, to_node=lambda row: Member(row=row))

    @strawberry.field(permission_classes=[IsGuide], description="Your own figures for [from, to).")
    async def my_figures(self, info: Info, from_: From, to: To) -> AttributionRow | None:
        caller = require_caller(info)
        rows = await reports.attribution(
            brand_id=caller.brand_id, start=from_, end=to, by=reports.Dimension.GUIDE, guide_id=caller.guide_id
        )
        empty = reports.Figures(str(caller.guide_id), *([0] * (len(dataclasses.fields(reports.Figures)) - 1)))
        return AttributionRow.of(reports.Dimension.GUIDE, rows[0] if rows else empty, info.context.now())

    @strawberry.field(permission_classes=[IsHQ], description="Tags HQ has defined.")
    async def tags(self, info: Info) -> list[Tag] | None:
        caller = require_caller(info)
        return [
            Tag(id=ids.encode("Tag", t.id), name=t.name, description=t.description)
            for t in await tags.query(brand_id=caller.brand_id)
        ]

    @strawberry.field(permission_classes=[IsConsumer], description="Everything stored about you, as JSON.")
    async def my_data(self, info: Info) -> JSON | None:
        caller = require_caller(info)
        return await data_rights.export(
            brand_id=caller.brand_id, member_id=caller.member_id, member_data=info.context.member_data
        )


def _check_page(first: int, offset: int) -> None:
    if not 1 <= first <= MAX_PAGE or offset < 0:
        raise SchemaError(SchemaErrorCode.INVALID_PAGINATION, f"first must be 1-{MAX_PAGE}, offset 0 or more.", "first")
