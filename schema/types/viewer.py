from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from foundation.auth.caller import Caller, Role as RoleValue
from schema import ids
from schema.enums import client_enum
from schema.types.brand import Brand
from schema.types.guide import Guide
from schema.types.member import Member
from schema.types.store import Store

Role = client_enum(
    Enum("Role", {r.name: r.value for r in RoleValue}),
    "What the caller may do.",
    {
        "CONSUMER": "A shopper: claims codes, holds coupons, signs up for events.",
        "GUIDE": "A shop guide: serves their own members and writes off coupons.",
        "STORE_MANAGER": "Manages one store: its guides, members and figures.",
        "HQ": "Brand headquarters: every store, report and setting.",
    },
)


@strawberry.type(description="The signed-in caller: who they are and what they may do.")
class Viewer:
    caller: strawberry.Private[Caller]

    @strawberry.field(description="Every role the caller holds.")
    def roles(self) -> list[Role]:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return [Role(r.value) for r in sorted(self.caller.roles)]

    @strawberry.field(description="The caller's member id, if they are a member.")
    def member_id(self) -> strawberry.ID | None:
        return ids.encode("Member", self.caller.member_id) if self.caller.member_id else None

    @strawberry.field(description="The caller's guide id, if they are an active guide.")
    def guide_id(self) -> strawberry.ID | None:
        return ids.encode("Guide", self.caller.guide_id) if self.caller.guide_id else None

    @strawberry.field(description="The brand the caller belongs to.")
    async def brand(self, info: Info) -> Brand:
        row = await info.context.loaders.brand.load(self.caller.brand_id)
        return Brand.of(row)

    @strawberry.field(description="The caller's own member record (consumers and guides).")
    async def member(self, info: Info) -> Member | None:
        if self.caller.member_id is None:
            return None
        row = await info.context.loaders.member.load(self.caller.member_id)
        return Member(row=row) if row else None

    @strawberry.field(description="The caller's guide record, if they are an active guide.")
    async def guide(self, info: Info) -> Guide | None:
        if self.caller.guide_id is None:
            return None
        row = await info.context.loaders.guide.load(self.caller.guide_id)
        return Guide(row=row) if row else None

    @strawberry.field(description="The store a guide or store manager works in.")
    async def store(self, info: Info) -> Store | None:
        if self.caller.store_id is None:
            return None
        row = await info.context.loaders.store.load(self.caller.store_id)
        return Store.of(row) if row else None
