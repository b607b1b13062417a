"""What members read of their points, and what HQ reads of campaigns, claims and fraud signals."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.services import batches, campaigns, claims, points, signals
from schema import ids
from schema.arguments import After, First
from schema.errors import mutation_payload
from schema.pagination import DEFAULT_PAGE, MAX_PAGE, Connection, paginate
from schema.permissions import IsConsumer, IsHQ, require_caller
from schema.types.campaign import Campaign
from schema.types.loyalty import BatchSignal, Claim, CodeBatch, CodeLookup, SuspiciousScan
from schema.types.points import Points


def _batch_id(batch_id: strawberry.ID | None) -> int | None:
    return ids.decode(batch_id, "CodeBatch", field="batchId") if batch_id else None


@strawberry.type
class LoyaltyQueries:
    @strawberry.field(permission_classes=[IsConsumer], description="Your points.")
    async def my_points(self, info: Info) -> Points | None:
        caller = require_caller(info)
        account = await points.account(member_id=caller.member_id)
        return Points(
            member_id=caller.member_id,
            brand_id=caller.brand_id,
            balance=account.balance if account else 0,
            debt=account.debt if account else 0,
        )

    @strawberry.field(permission_classes=[IsHQ], description="Campaign rules, newest first.")
    async def campaigns(
        self, info: Info, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Campaign] | None:
        caller = require_caller(info)
        return await paginate(
            campaigns.listing(brand_id=caller.brand_id),
            first=first,
            after=after,
            to_node=lambda row: Campaign(row=row),
            newest_first=True,
        )

    @strawberry.field(permission_classes=[IsHQ], description="Look an item code up (a returned can, a complaint).")
    @mutation_payload
    async def item_code(self, info: Info, code: str) -> CodeLookup | None:
        caller = require_caller(info)
        batch, row = await claims.of_code(
            keyring=info.context.settings.item_keyring, brand_id=caller.brand_id, code=code
        )
        return CodeLookup(batch=CodeBatch(row=batch), claim=Claim(row=row, batch=batch) if row else None)

    @strawberry.field(permission_classes=[IsHQ], description="Claims scanned outside their batch's region or store.")
    async def diverted_claims(
        self, info: Info, batch_id: strawberry.ID | None = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[Claim] | None:
        caller = require_caller(info)
        query = signals.diverted_claims(brand_id=caller.brand_id, batch_id=_batch_id(batch_id)).select_related("batch")
        return await paginate(
            query, first=first, after=after, to_node=lambda row: Claim(row=row, batch=row.batch), newest_first=True
        )

    @strawberry.field(
        permission_classes=[IsHQ], description="Claimed codes scanned again by someone else or elsewhere."
    )
    async def suspicious_scans(
        self, info: Info, batch_id: strawberry.ID | None = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> Connection[SuspiciousScan] | None:
        caller = require_caller(info)
        query = signals.suspicious_scans(brand_id=caller.brand_id, batch_id=_batch_id(batch_id))
        return await paginate(
            query, first=first, after=after, to_node=lambda row: SuspiciousScan(row=row), newest_first=True
        )

    @strawberry.field(
        permission_classes=[IsHQ], description="Batches with diversion or counterfeit signals, most flagged first."
    )
    async def flagged_batches(self, info: Info, first: First = DEFAULT_PAGE) -> list[BatchSignal] | None:
        caller = require_caller(info)
        rows = await signals.flagged_batches(brand_id=caller.brand_id, limit=max(1, min(first, MAX_PAGE)))
        return [
            BatchSignal(
                batch=CodeBatch(row=s.batch),
                claims=s.claims,
                diverted_claims=s.diverted,
                suspicious_scans=s.suspicious_scans,
            )
            for s in rows
        ]

    @strawberry.field(permission_classes=[IsHQ], description="Code batches, newest first; search by SKU or product.")
    async def code_batches(
        self,
        info: Info,
        first: First = DEFAULT_PAGE,
        after: After = None,
        search: Annotated[str | None, strawberry.argument(description="Part of a SKU or product name.")] = None,
    ) -> Connection[CodeBatch] | None:
        caller = require_caller(info)
        return await paginate(
            batches.query(brand_id=caller.brand_id, search=search),
            first=first,
            after=after,
            to_node=lambda row: CodeBatch(row=row),
            newest_first=True,
        )
