from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import Claim as ClaimModel, CodeBatch as BatchModel, Rescan as RescanModel
from schema import ids
from schema.columns import column
from schema.errors import UserError, refusals
from schema.types.money import Money, money
from schema.types.node import Node


@strawberry.type(description="A production run of item codes for one SKU.")
class CodeBatch(Node):
    row: strawberry.Private[BatchModel]

    @strawberry.field(description="Global id of the batch.")
    def id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.id)

    sku = column(str, description="The product's stock-keeping unit.")

    product_name = column(str, description="The product as members see it.")
    product_line = column(str | None, description="The product's line, if named.")

    quantity = column(int, description="How many codes (one per item) the batch holds.")

    price_cents = column(int, description="The item's price in minor units.", deprecation_reason="Use price.")

    @strawberry.field(description="The item's price; counts as revenue per claim.")
    async def price(self, info: Info) -> Money:
        return await money(info, self.row.price_cents)

    points_per_item = column(int, description="Points a claim of one item earns.")

    region = column(
        str | None, description="The city the items are meant for; a claim elsewhere is flagged as diverted."
    )

    created_at = column(datetime, description="When the batch was made.")

    revoked_at = column(
        datetime | None, description="When HQ revoked it (its codes earn nothing since); null if not revoked."
    )

    @strawberry.field(description="Download the printer's CSV here, with an HQ token (Authorization: Bearer).")
    def export_path(self) -> str:
        return f"/exports/code-batches/{self.id()}.csv"

    @strawberry.field(
        description="Print-ready labels: add labels.pdf?start=0&count=240 (A4 sheets, up to 2,400) or "
        "labels.zip?format=png|svg&start=0&count=1000 (one image per code, up to 20,000). HQ token required."
    )
    def labels_path(self) -> str:
        return f"/exports/code-batches/{self.id()}/"


@strawberry.input(description="A production run to mint codes for.")
class CodeBatchInput:
    sku: str
    product_name: str
    quantity: int = strawberry.field(description="How many codes (one per item) to mint.")
    price_cents: int = strawberry.field(description="The item's price, in minor units of the brand's currency.")
    points_per_item: int = strawberry.field(description="Points a claim of one item earns.")
    region: str | None = None
    store_id: strawberry.ID | None = None
    product_line: str | None = strawberry.field(
        default=None, description='The product\'s line ("stage 1 formula"): figures per line read it.'
    )


@strawberry.type(description="A successful claim of an item code.")
class Claim(Node):
    row: strawberry.Private[ClaimModel]
    batch: strawberry.Private[BatchModel]

    @strawberry.field(description="Global id of the claim.")
    def id(self) -> strawberry.ID:
        return ids.encode("Claim", self.row.id)

    claimed_at = column(datetime, description="When the code was claimed.")

    @strawberry.field(description="The item's SKU.")
    def sku(self) -> str:
        return self.batch.sku

    @strawberry.field(description="The item's product name.")
    def product_name(self) -> str:
        return self.batch.product_name

    @strawberry.field(description="The guide the member was bound to at the claim, who is credited with it.")
    async def guide_id(self, info: Info) -> strawberry.ID | None:
        return ids.encode("Guide", self.row.guide_id) if self.row.guide_id else None

    @strawberry.field(description="The member who claimed it.")
    def member_id(self) -> strawberry.ID:
        return ids.encode("Member", self.row.member_id)

    @strawberry.field(description="The code's batch.")
    def batch_id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.batch_id)

    serial = column(int, description="The item's serial number within its batch.")

    city = column(str | None, description="The city the mini-program reported, if any.")

    diverted = column(bool, description="Scanned outside the batch's region or store (diversion).")

    reversed_at = column(
        datetime | None, description="When the claim was reversed (a return, or fraud); null if it stands."
    )

    reversal_reason = column(str | None, description="Why it was reversed.")


@strawberry.type(description="A scan of a code that was already claimed, by someone else or somewhere else.")
class SuspiciousScan(Node):
    row: strawberry.Private[RescanModel]

    @strawberry.field(description="Global id of the scan.")
    def id(self) -> strawberry.ID:
        return ids.encode("Rescan", self.row.id)

    @strawberry.field(description="The code's batch.")
    def batch_id(self) -> strawberry.ID:
        return ids.encode("CodeBatch", self.row.batch_id)

    serial = column(int, description="The item's serial number within its batch.")

    @strawberry.field(description="Who scanned it, if signed in as a member.")
    def member_id(self) -> strawberry.ID | None:
        return ids.encode("Member", self.row.member_id) if self.row.member_id else None

    scanned_at = column(datetime, description="When it was scanned.")

    city = column(str | None, description="The city the mini-program reported, if any.")

    by_claimer = column(bool, description="True when the member who claimed it scanned it again, elsewhere.")


@strawberry.type(description="A batch with diversion or counterfeit signals.")
class BatchSignal:
    batch: CodeBatch = strawberry.field(description="The batch.")
    claims: int = strawberry.field(description="Claims of its codes.")
    diverted_claims: int = strawberry.field(description="Claims outside its region or store.")
    suspicious_scans: int = strawberry.field(description="Scans of its codes after they were claimed.")


@strawberry.type(description="An item code looked up: its batch, and its claim if someone claimed it.")
class CodeLookup:
    batch: CodeBatch | None = strawberry.field(
        default=None, description="The batch the code belongs to; null when refused."
    )
    claim: Claim | None = strawberry.field(default=None, description="Its claim, if someone claimed it.")
    errors: list[UserError] = refusals()
