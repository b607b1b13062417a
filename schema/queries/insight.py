"""Insight queries: demographics, cohorts, repurchase. HQ reads the brand; a store manager reads the
members who registered in their store."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from events.errors import EventError, EventErrorCode
from foundation.auth.caller import Caller
from foundation.tenancy import regional
from insight import cohorts as cohort_report, demographics as people, event_effect, repurchase as comeback, rfm
from insight.members import Members
from referral.models import Channel as ChannelValue
from schema import ids
from schema.arguments import From, To
from schema.permissions import IsHQ, IsStoreStaff, report_store, require_caller
from schema.reads import report
from schema.types.insight import CohortRow, DemographicGroup, EventEffect, RepurchaseFigures, RfmGroup, Trait
from schema.types.member import Channel

StoreFilter = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only members who registered in this store.")
]
GuideFilter = Annotated[strawberry.ID | None, strawberry.argument(description="Only members this guide serves now.")]
ChannelFilter = Annotated[
    Channel | None, strawberry.argument(description="Only members who registered through this channel.")
]
CampaignFilter = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only purchases (and returns) credited to this campaign.")
]


async def _members(
    caller: Caller,
    store_id: strawberry.ID | None,
    guide_id: strawberry.ID | None,
    channel: ChannelValue | None,
    campaign_id: strawberry.ID | None,
) -> Members:
    """The members a report counts, as asked and as the caller may see (a store manager: their store's)."""
    members = Members(
        store_id=report_store(caller, ids.decode(store_id, "Store", field="storeId") if store_id else None),
        guide_id=ids.decode(guide_id, "Guide", field="guideId") if guide_id else None,
        channel=ChannelValue(channel.value) if channel else None,
        campaign_id=ids.decode(campaign_id, "Campaign", field="campaignId") if campaign_id else None,
    )
    await members.check(caller.brand_id)
    return members


@strawberry.type
class InsightReportQueries:
    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Registered members grouped by one trait, with how many bought and their revenue, largest "
        "group first (members versus customers). A store manager sees the members who registered in their store.",
    )
    @report
    async def demographics(
        self,
        info: Info,
        by: Annotated[Trait, strawberry.argument(description="The trait to group by.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        store_id: StoreFilter = None,
        guide_id: GuideFilter = None,
        channel: ChannelFilter = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: CampaignFilter = None,
    ) -> list[DemographicGroup] | None:
        caller = require_caller(info)
        members = await _members(caller, store_id, guide_id, channel, campaign_id)
        brand = await info.context.loaders.brand.load(caller.brand_id)
        today = info.context.now().astimezone(regional.of(brand).zone).date()
        rows = await people.demographics(
            brand_id=caller.brand_id, by=people.Trait(by.value), today=today, members=members
        )
        return [DemographicGroup.of(row, info.context.now()) for row in rows]

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Cohorts by registration month (the brand's calendar) against the months since: who bought, "
        "who bought again, the revenue. A store manager sees the members who registered in their store.",
    )
    @report
    async def cohorts(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="The first cohort's month (any day of it).")
        ],
        months: Annotated[int, strawberry.argument(description="How many cohorts, 1-24.")] = 12,
        store_id: StoreFilter = None,
        guide_id: GuideFilter = None,
        channel: ChannelFilter = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: CampaignFilter = None,
    ) -> list[CohortRow] | None:
        caller = require_caller(info)
        members = await _members(caller, store_id, guide_id, channel, campaign_id)
        brand = await info.context.loaders.brand.load(caller.brand_id)
        found = await cohort_report.cohorts(
            brand_id=caller.brand_id,
            first_month=from_,
            months=months,
            now=info.context.now(),
            zone=regional.of(brand).zone,
            members=members,
        )
        return [CohortRow.of(cohort, info.context.now()) for cohort in found]

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Whether members come back in [from, to): buyers, repeat buyers and the rate, mean days "
        "between purchases, loyal customers by the brand's rule (or the one given). A store manager sees their "
        "store's members.",
    )
    @report
    async def repurchase(
        self,
        info: Info,
        from_: From,
        to: To,
        loyal_purchases: Annotated[
            int | None,
            strawberry.argument(description="Loyal: at least this many purchases (1-100); the brand's rule if null..."),
        ] = None,
        loyal_months: Annotated[
            int | None,
            strawberry.argument(
                description="...in this many months before the period's end (1-24); the brand's if null."
            ),
        ] = None,
        store_id: StoreFilter = None,
        guide_id: GuideFilter = None,
        channel: ChannelFilter = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: CampaignFilter = None,
    ) -> RepurchaseFigures | None:
        caller = require_caller(info)
        figures = await comeback.repurchase(
            brand_id=caller.brand_id,
            start=from_,
            end=to,
            loyal_purchases=loyal_purchases,
            loyal_months=loyal_months,
            members=await _members(caller, store_id, guide_id, channel, campaign_id),
        )
        return RepurchaseFigures.of(figures, info.context.now())

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="The buyers of [from, to) in RFM groups (recency, frequency, monetary value by quintiles), "
        "every group listed. A store manager sees the members who registered in their store.",
    )
    @report
    async def rfm(
        self,
        info: Info,
        from_: From,
        to: To,
        store_id: StoreFilter = None,
        guide_id: GuideFilter = None,
        channel: ChannelFilter = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        campaign_id: CampaignFilter = None,
    ) -> list[RfmGroup] | None:
        caller = require_caller(info)
        members = await _members(caller, store_id, guide_id, channel, campaign_id)
        found = await rfm.groups(brand_id=caller.brand_id, start=from_, end=to, members=members)
        return [RfmGroup.of(group, info.context.now()) for group in found]

    @strawberry.field(
        permission_classes=[IsHQ],
        description="What followed an event: purchases in the days after it by attendees, no-shows and members of "
        "the attendees' stores who stayed away, with the differences (an association, not a randomised test). "
        "Null for an event the brand does not have.",
    )
    @report
    async def event_effect(
        self,
        info: Info,
        event_id: Annotated[strawberry.ID, strawberry.argument(description="The event.")],
        days: Annotated[int, strawberry.argument(description="Days after the event's end, 1-180.")] = 30,
    ) -> EventEffect | None:
        caller = require_caller(info)
        event = ids.decode(event_id, "Event", field="eventId")
        try:
            return EventEffect.of(await event_effect.event_effect(brand_id=caller.brand_id, event_id=event, days=days))
        except EventError as exc:
            if exc.code is EventErrorCode.EVENT_NOT_FOUND:
                return None  # as event(id:): another brand's id leads nowhere
            raise
