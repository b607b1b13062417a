"""`node(id:)`: any object by its global id, for whoever may read it through the list that shows it.

Each kind names who may read one by id; anything else (another brand's, someone else's, a malformed
id) is null, so ids cannot be used to probe what exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info
from tortoise.models import Model

from access.models import StaffAccount as StaffAccountModel
from events.models import Interaction as InteractionModel, Registration as RegistrationModel
from events.services import interactions
from foundation import global_ids
from foundation.auth.caller import Caller, Role
from foundation.tenancy.models import Brand as BrandModel
from loyalty.models import (
    Campaign as CampaignModel,
    Claim as ClaimModel,
    CodeBatch as BatchModel,
    Coupon as CouponModel,
    CouponTemplate as TemplateModel,
    Rescan as RescanModel,
)
from reach.models import (
    Broadcast as BroadcastModel,
    Conversation as ConversationModel,
    GuideTask as GuideTaskModel,
    Journey as JourneyModel,
    Segment as SegmentModel,
)
from referral.models import (
    Guide as GuideModel,
    InboxItem as InboxModel,
    Member as MemberModel,
    Store as StoreModel,
    StoreEnrolment,
    Tag as TagModel,
    Touch as TouchModel,
)
from schema import ids
from schema.errors import or_null
from schema.permissions import IsSignedIn, require_caller, store_scope
from schema.queries.events import is_event_staff, readable_event
from schema.types.brand import Brand
from schema.types.broadcast import Broadcast
from schema.types.campaign import Campaign
from schema.types.conversation import Conversation
from schema.types.coupon import Coupon, CouponTemplate
from schema.types.event import Event, EventRegistration
from schema.types.guide import Enrolment, Guide
from schema.types.inbox import InboxItem
from schema.types.interaction import EventInteraction
from schema.types.journey import Journey
from schema.types.loyalty import Claim, CodeBatch, SuspiciousScan
from schema.types.member import Member
from schema.types.node import Node
from schema.types.profile import Touch
from schema.types.segment import Segment
from schema.types.staff import StaffAccount
from schema.types.store import Store
from schema.types.tag import Tag
from schema.types.task import GuideTask

M = TypeVar("M", bound=Model)
Fetch = Callable[[Info, Caller, int], Awaitable[Node | None]]


async def _row(model: type[M], caller: Caller, pk: int) -> M | None:
    return await model.filter(id=pk, brand_id=caller.brand_id).first()


def _hq(model: type[M], to_node: Callable[[M], Node]) -> Fetch:
    async def fetch(info: Info, caller: Caller, pk: int) -> Node | None:
        row = await _row(model, caller, pk) if caller.has(Role.HQ) else None
        return to_node(row) if row is not None else None

    return fetch


def _anyone(model: type[M], to_node: Callable[[M], Node]) -> Fetch:
    async def fetch(info: Info, caller: Caller, pk: int) -> Node | None:
        row = await _row(model, caller, pk)
        return to_node(row) if row is not None else None

    return fetch


def _owner_or_hq(model: type[M], to_node: Callable[[M], Node]) -> Fetch:
    """Rows that belong to one member: for that member and HQ."""

    async def fetch(info: Info, caller: Caller, pk: int) -> Node | None:
        row = await _row(model, caller, pk)
        if row is None or not (caller.has(Role.HQ) or row.member_id == caller.member_id):  # type: ignore[attr-defined]
            return None
        return to_node(row)

    return fetch


async def _brand(info: Info, caller: Caller, pk: int) -> Node | None:
    return Brand.of(await BrandModel.get(id=pk)) if pk == caller.brand_id else None


async def _member(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(MemberModel, caller, pk)
    if row is None:
        return None
    if caller.has(Role.HQ) or row.id == caller.member_id or (caller.guide_id and row.guide_id == caller.guide_id):
        return Member(row=row)
    if caller.has(Role.STORE_MANAGER) and row.guide_id is not None:
        guide = await info.context.loaders.guide.load(row.guide_id)
        return Member(row=row) if guide is not None and guide.store_id == caller.store_id else None
    return None


async def _event(info: Info, caller: Caller, pk: int) -> Node | None:
    return Event(row=await readable_event(info, caller, pk))


async def _registration(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(RegistrationModel, caller, pk)
    if row is None:
        return None
    if row.member_id == caller.member_id:
        return EventRegistration(row=row)
    event = await readable_event(info, caller, row.event_id)
    return EventRegistration(row=row) if is_event_staff(caller, event) else None


async def _interaction(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(InteractionModel, caller, pk)
    if row is None:
        return None
    event = await readable_event(info, caller, row.event_id)
    staff = is_event_staff(caller, event)
    visible = await interactions.visible(event=event, member_id=caller.member_id, staff=staff)
    return EventInteraction(row=row, staff=staff) if any(v.id == row.id for v in visible) else None


async def _enrolment(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(StoreEnrolment, caller, pk)
    if row is None or not caller.has(Role.HQ, Role.STORE_MANAGER) or store_scope(caller) not in (None, row.store_id):
        return None
    return Enrolment(row=row, key=info.context.settings.signing_key("enrolment"))


async def _claim(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(ClaimModel, caller, pk)
    if row is None or not (caller.has(Role.HQ) or row.member_id == caller.member_id):
        return None
    return Claim(row=row, batch=await BatchModel.get(id=row.batch_id))


async def _segment(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(SegmentModel, caller, pk) if caller.has(Role.HQ, Role.STORE_MANAGER) else None
    return Segment(row=row) if row is not None else None


async def _guide_task(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(GuideTaskModel, caller, pk)
    if row is None or not (caller.has(Role.HQ) or (caller.guide_id is not None and row.guide_id == caller.guide_id)):
        return None
    return GuideTask(row=row)


async def _conversation(info: Info, caller: Caller, pk: int) -> Node | None:
    row = await _row(ConversationModel, caller, pk)
    if row is None or not (caller.has(Role.HQ) or (caller.guide_id is not None and row.guide_id == caller.guide_id)):
        return None
    return Conversation(row=row)


def _tag(row: TagModel) -> Tag:
    return Tag(id=ids.encode("Tag", row.id), name=row.name, description=row.description)


# Keyed by the type name inside the id (Registration, Interaction and Rescan predate their GraphQL names).
KINDS: dict[str, Fetch] = {
    "Brand": _brand,
    "Store": _anyone(StoreModel, Store.of),
    "Guide": _anyone(GuideModel, lambda row: Guide(row=row)),
    "Member": _member,
    "Enrolment": _enrolment,
    "Tag": _hq(TagModel, _tag),
    "Touch": _owner_or_hq(TouchModel, lambda row: Touch(row=row)),
    "StaffAccount": _hq(StaffAccountModel, lambda row: StaffAccount(row=row)),
    "Event": _event,
    "Registration": _registration,
    "Interaction": _interaction,
    "CodeBatch": _hq(BatchModel, lambda row: CodeBatch(row=row)),
    "Claim": _claim,
    "Rescan": _hq(RescanModel, lambda row: SuspiciousScan(row=row)),
    "Campaign": _hq(CampaignModel, lambda row: Campaign(row=row)),
    "CouponTemplate": _anyone(TemplateModel, lambda row: CouponTemplate(row=row)),
    "Coupon": _owner_or_hq(CouponModel, lambda row: Coupon(row=row)),
    "InboxItem": _owner_or_hq(InboxModel, lambda row: InboxItem(row=row)),
    "Segment": _segment,
    "Broadcast": _hq(BroadcastModel, lambda row: Broadcast(row=row)),
    "GuideTask": _guide_task,
    "Journey": _hq(JourneyModel, lambda row: Journey(row=row)),
    "Conversation": _conversation,
}


NodeId = Annotated[strawberry.ID, strawberry.argument(description="A global id, from any `id` field.")]


@strawberry.type
class NodeQueries:
    @strawberry.field(
        permission_classes=[IsSignedIn],
        description="Any object by its global id, if the caller may read it where it is listed; else null.",
    )
    async def node(self, info: Info, id: NodeId) -> Node | None:
        parsed = global_ids.parse(id)
        fetch = KINDS.get(parsed[0]) if parsed else None
        if parsed is None or fetch is None:
            return None
        caller = require_caller(info)
        return await or_null(lambda: fetch(info, caller, parsed[1]))
