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
from schema.enums import client_enum
from schema.types.member import Member
from schema.types.node import Node
from schema.types.qr import QrFormat, QrFormatArgument, QrImage
from schema.types.store import Store

GuideStatus = client_enum(
    GuideStatusValue,
    "Where a guide is in their time with the brand.",
    {
        GuideStatusValue.PENDING: "Enrolled by scanning the brand's QR; waiting for approval.",
        GuideStatusValue.ACTIVE: "Approved: invites and serves members.",
        GuideStatusValue.INACTIVE: "Left the brand; their members can be moved to another guide.",
    },
)
GuideRole = client_enum(
    GuideRoleValue,
    "A guide's role in their store.",
    {GuideRoleValue.GUIDE: "A shop guide.", GuideRoleValue.MANAGER: "The store's manager."},
)


@strawberry.type(description="A shop guide (or store manager) enrolled in the programme.")
class Guide(Node):
    row: strawberry.Private[GuideModel]

    @strawberry.field(description="Global id of the guide.")
    def id(self) -> strawberry.ID:
        return ids.encode("Guide", self.row.id)

    status = column(GuideStatus, description="Pending, active or inactive.")

    role = column(GuideRole, description="Guide or store manager.")

    invite_code = column(str, description="The code in the guide's personal QR.")

    approved_at = column(datetime | None, description="When HQ or the store manager approved them.")

    left_at = column(datetime | None, description="When they left the brand; null while active.")

    @strawberry.field(description="The store they work in.")
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
    async def invite_qr(self, info: Info, format: QrFormatArgument = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        policy = await info.context.loaders.policy.load(self.row.brand_id)
        return await QrImage.render(info, policies.invite_url(policy, self.row.invite_code), format)


@strawberry.type(description="A store's enrolment QR: guides scan it to join.")
class Enrolment(Node):
    row: strawberry.Private[StoreEnrolment]
    key: strawberry.Private[bytes]

    @strawberry.field(description="Global id of the enrolment QR.")
    def id(self) -> strawberry.ID:
        return ids.encode("Enrolment", self.row.id)

    expires_at = column(datetime, description="When it stops working.")

    revoked_at = column(datetime | None, description="When it was revoked; null if not.")

    @strawberry.field(description="The signed token the QR carries.")
    def token(self) -> str:
        return enrolments.token_for(self.key, self.row)

    @strawberry.field(description="The store guides join by scanning it.")
    async def store(self, info: Info) -> Store:
        return Store.of(await info.context.loaders.store.load(self.row.store_id))

    @strawberry.field(description="The enrolment QR image.")
    async def qr(self, info: Info, format: QrFormatArgument = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        policy = await info.context.loaders.policy.load(self.row.brand_id)
        url = f"{policy.invite_url_base}?e={enrolments.token_for(self.key, self.row)}"
        return await QrImage.render(info, url, format)
