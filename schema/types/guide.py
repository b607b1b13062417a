from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from referral.models import (
    Guide as GuideModel,
    GuideRole as GuideRoleValue,
    GuideStatus as GuideStatusValue,
    StoreEnrolment,
)
from referral.services import enrolment as enrolments, policy as policies
from schema import ids
from schema.columns import column
from schema.types.member import Member
from schema.types.qr import QrFormat, QrImage
from schema.types.store import Store

GuideStatus = strawberry.enum(GuideStatusValue)
GuideRole = strawberry.enum(GuideRoleValue)


@strawberry.type(description="A shop guide (or store manager) enrolled in the programme.")
class Guide:
    row: strawberry.Private[GuideModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Guide", self.row.id)

    status = column(GuideStatus)

    role = column(GuideRole)

    invite_code = column(str)

    approved_at = column(datetime | None)

    left_at = column(datetime | None)

    @strawberry.field
    async def store(self, info: Info) -> Store:
        return Store.of(await info.context.loaders.store.load(self.row.store_id))

    @strawberry.field(description="The guide's working name: shown to customers, so readable by everyone in the brand.")
    async def name(self, info: Info) -> str | None:
        row = await info.context.loaders.member.load(self.row.member_id)
        return (row.display_name or row.name) if row else None

    @strawberry.field(description="The guide as a member (personal details only for the guide and HQ).")
    async def member(self, info: Info) -> Member | None:
        row = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=row) if row else None

    @strawberry.field(description="The guide's personal QR: customers who scan it register with this guide.")
    async def invite_qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        policy = await info.context.loaders.policy.load(self.row.brand_id)
        return await QrImage.render(info, policies.invite_url(policy, self.row.invite_code), format)


@strawberry.type(description="A store's enrolment QR: guides scan it to join.")
class Enrolment:
    row: strawberry.Private[StoreEnrolment]
    key: strawberry.Private[bytes]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Enrolment", self.row.id)

    expires_at = column(datetime)

    revoked_at = column(datetime | None)

    @strawberry.field
    def token(self) -> str:
        return enrolments.token_for(self.key, self.row)

    @strawberry.field
    async def store(self, info: Info) -> Store:
        return Store.of(await info.context.loaders.store.load(self.row.store_id))

    @strawberry.field
    async def qr(self, info: Info, format: QrFormat = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        policy = await info.context.loaders.policy.load(self.row.brand_id)
        url = f"{policy.invite_url_base}?e={enrolments.token_for(self.key, self.row)}"
        return await QrImage.render(info, url, format)
