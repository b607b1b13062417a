"""HQ's fraud signals: self-referral rings, fast claimers, guides' unusual write-offs. Listed with
their evidence; none of them blocks a customer."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalty.services import signals
from referral.services import fingerprints
from schema.arguments import First, From, To
from schema.pagination import DEFAULT_PAGE, MAX_PAGE
from schema.permissions import IsHQ, require_caller
from schema.types.fraud import FastClaimer, ReferralRing, SharedBy, WriteOffOutlier


@strawberry.type
class FraudQueries:
    @strawberry.field(
        permission_classes=[IsHQ], description="Members inviting each other from one device, phone or address."
    )
    async def referral_rings(self, info: Info, first: First = DEFAULT_PAGE) -> list[ReferralRing] | None:
        caller = require_caller(info)
        rings = await fingerprints.rings(brand_id=caller.brand_id, limit=max(1, min(first, MAX_PAGE)))
        return [
            ReferralRing(
                shared_by=SharedBy(r.shared_by),
                fingerprint=r.fingerprint,
                invitations=r.invitations,
                member_ids=r.member_ids,
            )
            for r in rings
        ]

    @strawberry.field(
        permission_classes=[IsHQ], description="Members with 10 or more claims within 10 minutes in [from, to)."
    )
    async def fast_claimers(
        self, info: Info, from_: From, to: To, first: First = DEFAULT_PAGE
    ) -> list[FastClaimer] | None:
        caller = require_caller(info)
        found = await signals.fast_claimers(
            brand_id=caller.brand_id, since=from_, until=to, limit=max(1, min(first, MAX_PAGE))
        )
        return [
            FastClaimer(
                member_id=f.member_id,
                claims=f.claims,
                burst=f.burst,
                burst_started_at=f.burst_started_at,
                burst_ended_at=f.burst_ended_at,
                shortest_gap_seconds=f.shortest_gap_s,
                cities=f.cities,
            )
            for f in found
        ]

    @strawberry.field(
        permission_classes=[IsHQ],
        description="Guides whose write-offs of their own members' coupons in [from, to) "
        "reach 10 and 3x the brand's median.",
    )
    async def guide_write_off_outliers(self, info: Info, from_: From, to: To) -> list[WriteOffOutlier] | None:
        caller = require_caller(info)
        found = await signals.write_off_outliers(brand_id=caller.brand_id, since=from_, until=to)
        return [
            WriteOffOutlier(
                guide_id=w.guide_id, write_offs=w.write_offs, of_own_members=w.own_members, brand_median=w.brand_median
            )
            for w in found
        ]
