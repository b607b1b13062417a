"""Fraud signals HQ can act on, each with its evidence."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from schema.types.guide import Guide
from schema.types.member import Member


@strawberry.enum(description="What the members of a ring share.")
class SharedBy(Enum):
    DEVICE = strawberry.enum_value("device", description="The same device fingerprint.")
    PHONE = strawberry.enum_value("phone", description="The same phone number.")
    IP = strawberry.enum_value("ip", description="The same network address (weak: carriers share addresses).")


@strawberry.type(description="Members who invited each other while sharing a device, phone number or network address.")
class ReferralRing:
    shared_by: SharedBy = strawberry.field(
        description="DEVICE and PHONE are strong evidence; IP alone is weak (carrier NAT)."
    )
    fingerprint: str = strawberry.field(description="Tells rings apart; not the device id, number or address itself.")
    invitations: int = strawberry.field(description="Invitations among its members.")
    member_ids: strawberry.Private[tuple[int, ...]]

    @strawberry.field(description="The members in the ring.")
    async def members(self, info: Info) -> list[Member]:
        rows = await info.context.loaders.member.load_many(list(self.member_ids))
        return [Member(row=row) for row in rows if row is not None]


@strawberry.type(description="A member whose claims came faster than a person buys.")
class FastClaimer:
    member_id: strawberry.Private[int]
    claims: int = strawberry.field(description="Claims in the period.")
    burst: int = strawberry.field(description="Claims in the busiest window.")
    burst_started_at: datetime = strawberry.field(description="Start of the busiest window.")
    burst_ended_at: datetime = strawberry.field(description="End of the busiest window.")
    shortest_gap_seconds: float = strawberry.field(description="Shortest time between two of their claims.")
    cities: int = strawberry.field(description="Distinct cities the claims were scanned in.")

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        row = await info.context.loaders.member.load(self.member_id)
        return Member(row=row) if row else None


@strawberry.type(description="A guide who wrote off far more coupons of their own members than the brand's guides do.")
class WriteOffOutlier:
    guide_id: strawberry.Private[int]
    write_offs: int = strawberry.field(description="Coupons the guide wrote off in the period.")
    of_own_members: int = strawberry.field(description="Of those, coupons of the guide's own members.")
    brand_median: float = strawberry.field(description="Median write-offs of own members per guide in the period.")

    @strawberry.field(description="The guide.")
    async def guide(self, info: Info) -> Guide | None:
        row = await info.context.loaders.guide.load(self.guide_id)
        return Guide(row=row) if row else None
