from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import Claim as ClaimModel, CodeBatch as BatchModel, Rescan as RescanModel
from schema import ids
from schema.columns import column
from schema.errors import UserError


@strawberry.type(description="A production run of item codes for one SKU.")
class CodeBatch:
    row: strawberry.Private[BatchModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.id)

    sku = column(str)

    product_name = column(str)

    quantity = column(int)

    price_cents = column(int)

    points_per_item = column(int)

    region = column(str | None)

    created_at = column(datetime)

    revoked_at = column(datetime | None)

    @strawberry.field(description="Download the printer's CSV here, with an HQ token (Authorization: Bearer).")
    def export_path(self) -> str:
        return f"/exports/code-batches/{self.row.id}.csv"

    @strawberry.field(
        description="Print-ready labels: add labels.pdf?start=0&count=240 (A4 sheets, up to 2,400) or "
        "labels.zip?format=png|svg&start=0&count=1000 (one image per code, up to 20,000). HQ token required."
    )
    def labels_path(self) -> str:
        return f"/exports/code-batches/{self.row.id}/"


@strawberry.input
class CodeBatchInput:
    sku: str
    product_name: str
    quantity: int
    price_cents: int
    points_per_item: int
    region: str | None = None
    store_id: strawberry.ID | None = None


@strawberry.type(description="A successful claim of an item code.")
class Claim:
    row: strawberry.Private[ClaimModel]
    batch: strawberry.Private[BatchModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Claim", self.row.id)

    claimed_at = column(datetime)

    @strawberry.field
    def sku(self) -> str:
        return self.batch.sku

    @strawberry.field
    def product_name(self) -> str:
        return self.batch.product_name

    @strawberry.field
    async def guide_id(self, info: Info) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.guide_id) if self.row.guide_id else None

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return ids.encode("Member", self.row.member_id)

    @strawberry.field
    def batch_id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.batch_id)

    serial = column(int)

    city = column(str | None, description="The city the mini-program reported, if any.")

    diverted = column(bool, description="Scanned outside the batch's region or store (diversion).")

    reversed_at = column(datetime | None)

    reversal_reason = column(str | None)


@strawberry.type(description="A scan of a code that was already claimed, by someone else or somewhere else.")
class SuspiciousScan:
    row: strawberry.Private[RescanModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Rescan", self.row.id)

    @strawberry.field
    def batch_id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.batch_id)

    serial = column(int)

    @strawberry.field
    def member_id(self) -> strawberry.ID | None:
        return ids.encode("Member", self.row.member_id) if self.row.member_id else None

    scanned_at = column(datetime)

    city = column(str | None)

    by_claimer = column(bool, description="True when the member who claimed it scanned it again, elsewhere.")


@strawberry.type(description="A batch with diversion or counterfeit signals.")
class BatchSignal:
    batch: CodeBatch
    claims: int
    diverted_claims: int
    suspicious_scans: int


@strawberry.type(description="An item code looked up: its batch, and its claim if someone claimed it.")
class CodeLookup:
    batch: CodeBatch | None = None
    claim: Claim | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
