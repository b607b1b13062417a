"""Broadcasts as GraphQL: what HQ writes, where each message went, and the lift it earned."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation import lift
from reach import broadcast_report as reports
from reach.broadcasts import Draft, Words
from reach.errors import ReachError, ReachErrorCode
from reach.models import (
    AudienceGroup as AudienceGroupValue,
    Broadcast as BroadcastModel,
    BroadcastRecipient as RecipientModel,
    BroadcastStatus as BroadcastStatusValue,
    SkipReason as SkipReasonValue,
)
from referral.models import MessageChannel
from schema import ids
from schema.arguments import After, First
from schema.columns import column
from schema.enums import client_enum
from schema.pagination import DEFAULT_PAGE, Connection, Edge, paginate
from schema.types.member import Member
from schema.types.money import Money, money
from schema.types.node import Node

BroadcastStatus = client_enum(
    BroadcastStatusValue,
    "Where a broadcast is in its life.",
    {
        BroadcastStatusValue.SCHEDULED: "Waiting for its send time; may still be cancelled.",
        BroadcastStatusValue.QUEUED: "Its audience is fixed; its messages are being queued.",
        BroadcastStatusValue.SENT: "Every message is queued; the outbox delivers them at its pace.",
        BroadcastStatusValue.CANCELLED: "Cancelled before it was sent.",
    },
)
AudienceGroup = client_enum(
    AudienceGroupValue,
    "Which side of the comparison a member of the audience is on.",
    {
        AudienceGroupValue.RECIPIENT: "Meant to receive the broadcast.",
        AudienceGroupValue.HOLDOUT: "Held out at random (seeded): sent nothing, to measure the lift against.",
    },
)
SkipReason = client_enum(
    SkipReasonValue,
    "Why a member of the audience was not sent the broadcast.",
    {
        SkipReasonValue.NO_MARKETING_CONSENT: "They have not agreed to marketing messages.",
        SkipReasonValue.FREQUENCY_CAP: "They had as many broadcasts in the week before as the cap allows.",
        SkipReasonValue.COUPON_UNAVAILABLE: "The coupon ran out, or they hold as many as the template allows.",
        SkipReasonValue.CONSENT_WITHDRAWN: "They withdrew marketing consent before it went out.",
    },
)
RecipientState = client_enum(
    reports.RecipientState,
    "Where one member's message is.",
    {
        reports.RecipientState.QUEUED: "Waiting in the outbox (or for quiet hours to end).",
        reports.RecipientState.SENT: "The platform (LINE or WeChat) accepted it.",
        reports.RecipientState.DELIVERED: "WeChat's delivery receipt says it reached the member (LINE gives none).",
        reports.RecipientState.UNCERTAIN: "WeChat did not answer in time: it may have arrived; never resent.",
        reports.RecipientState.REFUSED: "The platform refused it; the reason says why.",
        reports.RecipientState.INBOX_ONLY: "No channel could carry it; it is in the member's in-app inbox.",
        reports.RecipientState.SKIPPED: "Not sent; the reason says why.",
        reports.RecipientState.HELD_OUT: "In the holdout: sent nothing.",
    },
)


class _Route(Enum):
    LINE = "line"
    WECHAT = "wechat"
    INBOX = "inbox"


Route = client_enum(
    _Route,
    "The way a broadcast's message went to a member.",
    {
        _Route.LINE: "LINE push (a friend of the brand's account, within the month's quota).",
        _Route.WECHAT: "WeChat subscribe message (against an unused acceptance of the template).",
        _Route.INBOX: "The in-app inbox only: no platform channel could carry it.",
    },
    name="DeliveryRoute",
)


def route_of(channel: MessageChannel | None) -> _Route:
    return _Route(channel.value) if channel else _Route.INBOX


@strawberry.type(description="Messages that went one way, by state.")
class RouteFigures:
    route: Route = strawberry.field(description="The way they went.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    queued: int = strawberry.field(description="Still waiting in the outbox.")
    sent: int = strawberry.field(description="Accepted by the platform (for the inbox: placed there).")
    delivered: int = strawberry.field(
        description="Of those, confirmed delivered by WeChat's receipt (LINE gives none)."
    )
    uncertain: int = strawberry.field(description="WeChat did not answer in time; never resent.")
    refused: int = strawberry.field(description="Refused by the platform.")


@strawberry.type(description="How many of the audience were skipped for one reason.")
class SkipFigure:
    reason: SkipReason = strawberry.field(description="Why.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    count: int = strawberry.field(description="How many members.")


@strawberry.type(description="What one side of the comparison did within the conversion window.")
class GroupOutcome:
    row: strawberry.Private[reports.Outcome]

    @strawberry.field(description="Members on this side.")
    def members(self) -> int:
        return self.row.members

    @strawberry.field(description="Members who bought at least once (a claim) in the window.")
    def converted(self) -> int:
        return self.row.converted

    @strawberry.field(description="converted / members; null for an empty side.")
    def conversion_rate(self) -> float | None:
        return self.row.rate

    @strawberry.field(description="Claims (purchases proven by item-code scans) in the window.")
    def claims(self) -> int:
        return self.row.claims

    @strawberry.field(description="Revenue of those claims, returns deducted.")
    async def revenue(self, info: Info) -> Money:
        return await money(info, self.row.revenue)

    @strawberry.field(description="Event sign-ups in the window.")
    def sign_ups(self) -> int:
        return self.row.sign_ups

    @strawberry.field(description="Coupons written off in the window.")
    def write_offs(self) -> int:
        return self.row.write_offs


@strawberry.type(
    description="A difference between two groups (recipients minus holdout, attendees minus the comparison), "
    "with a 95% confidence interval."
)
class LiftEstimate:
    difference: float = strawberry.field(description="The difference of the two sides' figures.")
    low: float = strawberry.field(description="Lower end of the 95% confidence interval.")
    high: float = strawberry.field(description="Upper end of the 95% confidence interval.")

    @staticmethod
    def of(estimate: lift.Estimate | None) -> LiftEstimate | None:
        return LiftEstimate(difference=estimate.difference, low=estimate.low, high=estimate.high) if estimate else None


@strawberry.type(description="What a broadcast did: where its messages went, and the lift against its holdout.")
class BroadcastReport:
    audience: int = strawberry.field(description="Members the segment held when it was sent, holdout included.")
    held_out: int = strawberry.field(description="Members held out.")
    routes: list[RouteFigures] = strawberry.field(description="Messages by the way they went.")
    skipped: list[SkipFigure] = strawberry.field(description="Members not sent it, by reason.")
    conversion_days: int = strawberry.field(description="The window conversions are counted in, from the send.")
    recipients: GroupOutcome = strawberry.field(
        description="Everyone meant to receive it (skipped ones too: intention to treat)."
    )
    holdout: GroupOutcome = strawberry.field(description="Everyone held out.")
    conversion_lift: LiftEstimate | None = strawberry.field(
        description="Difference in the share who bought (a fraction); null without a holdout."
    )
    revenue_lift: LiftEstimate | None = strawberry.field(
        description="Difference in revenue per member, in minor units; null with fewer than 2 on a side."
    )

    @staticmethod
    def of(found: reports.Report) -> BroadcastReport:
        routes = [
            RouteFigures(
                route=route_of(channel),
                queued=states[reports.RecipientState.QUEUED],
                sent=states[reports.RecipientState.SENT]
                + states[reports.RecipientState.DELIVERED]
                + states[reports.RecipientState.INBOX_ONLY],
                delivered=states[reports.RecipientState.DELIVERED],
                uncertain=states[reports.RecipientState.UNCERTAIN],
                refused=states[reports.RecipientState.REFUSED],
            )
            for channel, states in sorted(found.channels.items(), key=lambda kv: route_of(kv[0]).value)
        ]
        return BroadcastReport(
            audience=found.audience,
            held_out=found.held_out,
            routes=routes,
            skipped=[SkipFigure(reason=reason, count=n) for reason, n in sorted(found.skipped.items())],
            conversion_days=found.days,
            recipients=GroupOutcome(row=found.recipients),
            holdout=GroupOutcome(row=found.holdout),
            conversion_lift=LiftEstimate.of(found.conversion_lift),
            revenue_lift=LiftEstimate.of(found.revenue_lift),
        )


@strawberry.type(description="One member of a broadcast's audience and where their message is.")
class BroadcastRecipient:
    row: strawberry.Private[RecipientModel]
    delivery: strawberry.Private[reports.Delivery]

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        found = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=found) if found else None

    @strawberry.field(description="Recipient or holdout.")
    def group(self) -> AudienceGroup:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.audience_group

    @strawberry.field(description="Where their message is.")
    def state(self) -> RecipientState:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.delivery.state

    @strawberry.field(description="Why it was skipped or refused; null otherwise.")
    def reason(self) -> str | None:
        return self.delivery.reason

    @strawberry.field(description="The way it went; null while queued, skipped or held out.")
    def route(self) -> Route | None:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        if self.delivery.state in (reports.RecipientState.SKIPPED, reports.RecipientState.HELD_OUT):
            return None
        if self.delivery.state is reports.RecipientState.QUEUED and self.delivery.channel is None:
            return None
        return route_of(self.delivery.channel)


@strawberry.type(description="A broadcast's title and body in one of the brand's other locales.")
class BroadcastWords:
    locale: str = strawberry.field(description="The locale (one the brand offers, not its default).")
    title: str = strawberry.field(description="The title in that locale, with the same placeholders.")
    body: str = strawberry.field(description="The text in that locale, with the same placeholders.")


@strawberry.input(description="A broadcast's title and body for members of one of the brand's other locales.")
class BroadcastWordsInput:
    locale: str = strawberry.field(description="One of the brand's locales other than its default.")
    title: str = strawberry.field(description="1-40 characters, with the same placeholders.")
    body: str = strawberry.field(description="1-500 characters, with the same placeholders.")


@strawberry.type(description="A message from the brand to a segment, at a time, with its report.")
class Broadcast(Node):
    row: strawberry.Private[BroadcastModel]

    @strawberry.field(description="Global id of the broadcast.")
    def id(self) -> strawberry.ID:
        return ids.encode("Broadcast", self.row.id)

    name = column(str, description="HQ's name for it.")
    title = column(str, description="The title members see ({name}, {guide}, {points}, {coupon} filled in).")
    body = column(str, description="The text members see, with the same placeholders.")
    page = column(str | None, description="The mini-program page the message opens.")
    send_at = column(datetime, description="When it is (or was) sent.")
    frequency_cap = column(int, description="Members sent this many broadcasts in the week before are skipped.")
    holdout_percent = column(int, description="Share of the audience held out, 0-50.")
    holdout_seed = column(int, description="The holdout's seed: the same seed and audience give the same holdout.")
    conversion_days = column(int, description="Days after the send in which conversions count.")
    audience = column(int | None, description="Members the segment held when sent; null before.")
    created_at = column(datetime, description="When HQ created it.")
    queued_at = column(datetime | None, description="When its audience was fixed; null before.")

    @strawberry.field(description="Its words in the brand's other locales (title and body are its default's).")
    def translations(self) -> list[BroadcastWords]:
        return [
            BroadcastWords(locale=k, title=v["title"], body=v["body"]) for k, v in (self.row.translations or {}).items()
        ]

    @strawberry.field(description="Where it is in its life.")
    def status(self) -> BroadcastStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

    @strawberry.field(description="Quiet hours in the brand's time zone, as HH:MM-HH:MM; null when none.")
    def quiet_hours(self) -> str | None:
        if self.row.quiet_from is None or self.row.quiet_to is None:
            return None
        return f"{_hhmm(self.row.quiet_from)}-{_hhmm(self.row.quiet_to)}"

    @strawberry.field(description="The global id of the segment it goes to.")
    def segment_id(self) -> strawberry.ID:
        return ids.encode("Segment", self.row.segment_id)

    @strawberry.field(description="The global id of the coupon template each recipient gets; null for none.")
    def coupon_template_id(self) -> strawberry.ID | None:
        return ids.encode("CouponTemplate", self.row.coupon_template_id) if self.row.coupon_template_id else None

    @strawberry.field(description="Where its messages went and what its audience did after, against the holdout.")
    async def report(
        self,
        days: Annotated[
            int | None, strawberry.argument(description="Count conversions over these days (1-90); its own if null.")
        ] = None,
    ) -> BroadcastReport:
        return BroadcastReport.of(await reports.report(self.row, days=days))

    @strawberry.field(description="Its audience, member by member, with where each message is.")
    async def recipients(self, first: First = DEFAULT_PAGE, after: After = None) -> Connection[BroadcastRecipient]:
        page = await paginate(
            RecipientModel.filter(broadcast_id=self.row.id), first=first, after=after, to_node=lambda r: r
        )
        found = await reports.deliveries(self.row, [e.node for e in page.edges])
        edges = [
            Edge(cursor=e.cursor, node=BroadcastRecipient(row=e.node, delivery=found[e.node.member_id]))
            for e in page.edges
        ]
        return Connection(edges=edges, page_info=page.page_info)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: str, field: str) -> int:
    hours, _, mins = value.partition(":")
    if not (len(value) == 5 and hours.isdigit() and mins.isdigit() and int(hours) < 24 and int(mins) < 60):
        raise ReachError(ReachErrorCode.BROADCAST_INVALID, "A time of day as HH:MM, 00:00-23:59.", field)
    return int(hours) * 60 + int(mins)


@strawberry.input(description="A broadcast to schedule.")
class BroadcastInput:
    name: str = strawberry.field(description="HQ's name for it, 1-80 characters.")
    segment_id: strawberry.ID = strawberry.field(description="The segment it goes to (its members when sent).")
    title: str = strawberry.field(description="1-40 characters; may hold {name}, {guide}, {points}, {coupon}.")
    body: str = strawberry.field(description="1-500 characters, with the same placeholders.")
    page: str | None = strawberry.field(default=None, description="The mini-program page the message opens.")
    coupon_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Issue each recipient a coupon of this template (within its limits)."
    )
    send_at: datetime | None = strawberry.field(
        default=None, description="When to send, with its offset; now if null. Not in the past, at most 90 days on."
    )
    quiet_from: str | None = strawberry.field(
        default=None, description="Start of quiet hours, HH:MM in the brand's time zone: held until quietTo."
    )
    quiet_to: str | None = strawberry.field(default=None, description="End of quiet hours, HH:MM.")
    frequency_cap: int = strawberry.field(
        default=2, description="Skip members sent this many broadcasts (any) in the week before; 1-50."
    )
    holdout_percent: int = strawberry.field(default=0, description="Hold out this share of the audience, 0-50.")
    holdout_seed: int | None = strawberry.field(
        default=None, description="Seed of the holdout (0 to 2^31-1), to reproduce one; random if null."
    )
    conversion_days: int = strawberry.field(default=14, description="Days after the send conversions count, 1-90.")
    translations: list[BroadcastWordsInput] | None = strawberry.field(
        default=None,
        description="Title and body for members of the brand's other locales (at most 10); "
        "everyone else reads title and body.",
    )

    def to_domain(self) -> Draft:
        return Draft(
            name=self.name,
            segment_id=ids.decode(self.segment_id, "Segment", field="segmentId"),
            title=self.title,
            body=self.body,
            page=self.page,
            coupon_template_id=(
                ids.decode(self.coupon_template_id, "CouponTemplate", field="couponTemplateId")
                if self.coupon_template_id
                else None
            ),
            send_at=self.send_at,
            quiet_from=_minutes(self.quiet_from, "quiet_from") if self.quiet_from is not None else None,
            quiet_to=_minutes(self.quiet_to, "quiet_to") if self.quiet_to is not None else None,
            frequency_cap=self.frequency_cap,
            holdout_percent=self.holdout_percent,
            holdout_seed=self.holdout_seed,
            conversion_days=self.conversion_days,
            translations=tuple(Words(w.locale, w.title, w.body) for w in self.translations or ()),
        )
