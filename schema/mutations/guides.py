"""Guide enrolment and management: enrolment QR codes, joining, approval, leaving, reassignment."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import enrolment as enrolments, guides
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, IsHQ, IsStoreStaff, require_caller, store_scope
from schema.types.guide import Enrolment, Guide


@strawberry.type(description="An enrolment QR, or why it was refused.")
class EnrolmentPayload:
    enrolment: Enrolment | None = strawberry.field(default=None, description="The enrolment QR; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="A guide as a mutation left them, or why it was refused.")
class GuidePayload:
    guide: Guide | None = strawberry.field(default=None, description="The guide; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="How many members were moved to another guide.")
class ReassignPayload:
    moved: int = strawberry.field(default=0, description="Members moved.")
    errors: list[UserError] = refusals()


def _key(info: Info) -> bytes:
    return info.context.settings.signing_key("enrolment")


@strawberry.type
class GuideMutations:
    @strawberry.mutation(permission_classes=[IsStoreStaff], description="A store's enrolment QR for new guides.")
    @mutation_payload
    async def create_enrolment_qr(
        self,
        info: Info,
        store_id: strawberry.ID,
        valid_hours: Annotated[int, strawberry.argument(description="How long the QR works, in hours.")] = 72,
    ) -> EnrolmentPayload | None:
        caller = require_caller(info)
        row = await enrolments.create(
            brand_id=caller.brand_id,
            store_id=ids.decode(store_id, "Store", field="storeId"),
            valid_hours=valid_hours,
            now=info.context.now(),
            store_scope=store_scope(caller),
        )
        return EnrolmentPayload(enrolment=Enrolment(row=row, key=_key(info)))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Withdraw an enrolment QR.")
    @mutation_payload
    async def revoke_enrolment_qr(self, info: Info, id: strawberry.ID) -> EnrolmentPayload | None:
        caller = require_caller(info)
        row = await enrolments.revoke(
            brand_id=caller.brand_id,
            enrolment_id=ids.decode(id, "Enrolment"),
            now=info.context.now(),
            store_scope=store_scope(caller),
        )
        return EnrolmentPayload(enrolment=Enrolment(row=row, key=_key(info)))

    @strawberry.mutation(permission_classes=[IsConsumer], description="Join as a guide with a store's enrolment QR.")
    @mutation_payload
    async def enrol_as_guide(self, info: Info, token: str) -> GuidePayload | None:
        caller = require_caller(info)
        row = await guides.enrol(
            key=_key(info), brand_id=caller.brand_id, member_id=caller.member_id, token=token, now=info.context.now()
        )
        return GuidePayload(guide=Guide(row=row))

    @strawberry.mutation(permission_classes=[IsStoreStaff], description="Approve a pending guide.")
    @mutation_payload
    async def approve_guide(self, info: Info, guide_id: strawberry.ID) -> GuidePayload | None:
        caller = require_caller(info)
        row = await guides.approve(
            brand_id=caller.brand_id,
            guide_id=ids.decode(guide_id, "Guide", field="guideId"),
            now=info.context.now(),
            store_scope=store_scope(caller),
        )
        return GuidePayload(guide=Guide(row=row))

    @strawberry.mutation(
        permission_classes=[IsStoreStaff], description="A guide leaves: history stays, no new members are attributed."
    )
    @mutation_payload
    async def deactivate_guide(self, info: Info, guide_id: strawberry.ID) -> GuidePayload | None:
        caller = require_caller(info)
        row = await guides.deactivate(
            brand_id=caller.brand_id,
            guide_id=ids.decode(guide_id, "Guide", field="guideId"),
            now=info.context.now(),
            store_scope=store_scope(caller),
        )
        return GuidePayload(guide=Guide(row=row))

    @strawberry.mutation(permission_classes=[IsHQ], description="Move every member of one guide to another.")
    @mutation_payload
    async def reassign_members(
        self, info: Info, from_guide_id: strawberry.ID, to_guide_id: strawberry.ID
    ) -> ReassignPayload | None:
        caller = require_caller(info)
        moved = await guides.reassign_members(
            brand_id=caller.brand_id,
            from_guide_id=ids.decode(from_guide_id, "Guide", field="fromGuideId"),
            to_guide_id=ids.decode(to_guide_id, "Guide", field="toGuideId"),
            now=info.context.now(),
        )
        return ReassignPayload(moved=moved)
