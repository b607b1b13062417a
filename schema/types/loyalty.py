from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import Claim as ClaimModel, CodeBatch as BatchModel, Rescan as RescanModel
from schema import ids


@strawberry.type(description="A production run of item codes for one SKU.")
class CodeBatch:
    row: strawberry.Private[BatchModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.id)

    @strawberry.field
    def sku(self) -> str:
        return self.row.sku

    @strawberry.field
    def product_name(self) -> str:
        return self.row.product_name

    @strawberry.field
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field
    def price_cents(self) -> int:
        return self.row.price_cents

    @strawberry.field
    def points_per_item(self) -> int:
        return self.row.points_per_item

    @strawberry.field
    def region(self) -> str | None:
        return self.row.region

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def revoked_at(self) -> datetime | None:
        return self.row.revoked_at

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

    @strawberry.field
    def claimed_at(self) -> datetime:
        return self.row.claimed_at

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

    @strawberry.field
    def serial(self) -> int:
        return self.row.serial

    @strawberry.field(description="The city the mini-program reported, if any.")
    def city(self) -> str | None:
        return self.row.city

    @strawberry.field(description="Scanned outside the batch's region or store (diversion).")
    def diverted(self) -> bool:
        return self.row.diverted

    @strawberry.field
    def reversed_at(self) -> datetime | None:
        return self.row.reversed_at

    @strawberry.field
    def reversal_reason(self) -> str | None:
        return self.row.reversal_reason


@strawberry.type(description="A scan of a code that was already claimed, by someone else or somewhere else.")
class SuspiciousScan:
    row: strawberry.Private[RescanModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return ids.encode("Rescan", self.row.id)

    @strawberry.field
    def batch_id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.batch_id)

    @strawberry.field
    def serial(self) -> int:
        return self.row.serial

    @strawberry.field
    def member_id(self) -> strawberry.ID | None:
        return ids.encode("Member", self.row.member_id) if self.row.member_id else None

    @strawberry.field
    def scanned_at(self) -> datetime:
        return self.row.scanned_at

    @strawberry.field
    def city(self) -> str | None:
        return self.row.city

    @strawberry.field(description="True when the member who claimed it scanned it again, elsewhere.")
    def by_claimer(self) -> bool:
        return self.row.by_claimer


@strawberry.type(description="A batch with diversion or counterfeit signals.")
class BatchSignal:
    batch: CodeBatch
    claims: int
    diverted_claims: int
    suspicious_scans: int
