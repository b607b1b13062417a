"""Code batches: HQ creates one per production run; codes are derived, never stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from itertools import islice
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from loyalty import item_codes
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import CodeBatch, LoyaltyPolicy
from loyalty.services import policy as policies
from referral.services import stores

_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
EXPORT_CHUNK = 10_000


def query(*, brand_id: int, search: str | None = None) -> QuerySet[CodeBatch]:
    """The brand's batches, optionally those whose SKU or product name contains `search`."""
    q = CodeBatch.filter(brand_id=brand_id)
    term = (search or "").strip()
    if term:
        q = q.filter(Q(sku__icontains=term) | Q(product_name__icontains=term))
    return q.order_by("id")


async def get(*, brand_id: int, batch_id: int) -> CodeBatch:
    """The brand's batch; raises BATCH_NOT_FOUND (also for another brand's)."""
    batch = await CodeBatch.get_or_none(id=batch_id, brand_id=brand_id)
    if batch is None:
        raise LoyaltyError(Code.BATCH_NOT_FOUND, "No such code batch.", "batch_id")
    return batch


async def create(
    *,
    brand_id: int,
    key_id: int,
    sku: str,
    product_name: str,
    quantity: int,
    price_cents: int,
    points_per_item: int,
    region: str | None = None,
    store_id: int | None = None,
    product_line: str | None = None,
) -> CodeBatch:
    """A new batch; raises BATCH_QUANTITY_INVALID or BATCH_FIELD_INVALID, creating nothing."""
    policy = await policies.get(brand_id=brand_id)
    if not 1 <= quantity <= min(policy.max_batch_size, item_codes.MAX_SERIAL):
        raise LoyaltyError(
            Code.BATCH_QUANTITY_INVALID, f"A batch holds 1 to {policy.max_batch_size:,} codes.", "quantity"
        )
    if not _SKU.fullmatch(sku or ""):
        raise LoyaltyError(Code.BATCH_FIELD_INVALID, "SKU: 1-40 letters, digits, '.', '_' or '-'.", "sku")
    name = (product_name or "").strip()
    if not 1 <= len(name) <= 120:
        raise LoyaltyError(Code.BATCH_FIELD_INVALID, "Product name: 1-120 characters.", "product_name")
    if not 0 <= price_cents <= 10**9:
        raise LoyaltyError(Code.BATCH_FIELD_INVALID, "Price must be 0 or more.", "price_cents")
    if not 0 <= points_per_item <= 10**6:
        raise LoyaltyError(Code.BATCH_FIELD_INVALID, "Points must be 0 or more.", "points_per_item")
    line = (product_line or "").strip() or None
    if line is not None and (len(line) > 64 or not line.isprintable()):
        raise LoyaltyError(Code.BATCH_FIELD_INVALID, "Product line: at most 64 printable characters.", "product_line")
    if store_id is not None:
        await stores.get(brand_id=brand_id, store_id=store_id)
    return await CodeBatch.create(
        brand_id=brand_id,
        sku=sku,
        product_name=name,
        quantity=quantity,
        price_cents=price_cents,
        points_per_item=points_per_item,
        key_id=key_id,
        region=(region or "").strip() or None,
        store_id=store_id,
        product_line=line,
    )


async def revoke(*, brand_id: int, batch_id: int, now: datetime) -> CodeBatch:
    """Refuse every future claim of the batch's codes (claims made stay). Revoking twice is harmless."""
    batch = await get(brand_id=brand_id, batch_id=batch_id)
    await CodeBatch.filter(id=batch.id, revoked_at=None).update(revoked_at=now)
    return await CodeBatch.get(id=batch.id)


def csv_chunks(
    batch: CodeBatch, policy: LoyaltyPolicy, key: bytes, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """The printer's CSV (code, url), a chunk of lines at a time, so a million codes stream in constant memory.
    Raises ITEM_URL_NOT_SET at once (not when the first chunk is read) while the URL is the placeholder.

    Codes are hex and the URL base is validated, so no field needs CSV quoting.
    """
    policies.require_printable(policy)
    return _csv_chunks(batch, policy, key, progress)


def _csv_chunks(
    batch: CodeBatch, policy: LoyaltyPolicy, key: bytes, progress: Callable[[int], None] | None
) -> Iterator[str]:
    yield "code,url\n"
    base = f"{policy.item_url_base}?i="
    codes = item_codes.mint(key, batch.key_id, batch.id, 0, batch.quantity)
    for start in range(0, batch.quantity, EXPORT_CHUNK):
        count = min(EXPORT_CHUNK, batch.quantity - start)
        # islice, not zip with a range: zip pulls one code too many at the end of each chunk and drops it.
        yield "".join([f"{code},{base}{code}\n" for code in islice(codes, count)])
        if progress is not None:
            progress(count)


def labels(
    batch: CodeBatch, policy: LoyaltyPolicy, key: bytes, *, start: int, count: int, limit: int
) -> list[tuple[str, str]]:
    """(code, url) for serials [start, start + count): the labels to render. Raises ITEM_URL_NOT_SET
    or LABEL_RANGE_INVALID."""
    policies.require_printable(policy)
    if not (0 <= start < batch.quantity and 1 <= count <= limit and start + count <= batch.quantity):
        raise LoyaltyError(
            Code.LABEL_RANGE_INVALID, f"Choose 1-{limit} labels within the batch's {batch.quantity:,} codes.", "count"
        )
    base = f"{policy.item_url_base}?i="
    return [(code, base + code) for code in item_codes.mint(key, batch.key_id, batch.id, start, start + count)]


# The columns of a batch a claim reads with everything else it needs.
CLAIM_COLUMNS = (
    "key_id",
    "quantity",
    "sku",
    "product_name",
    "product_line",
    "price_cents",
    "points_per_item",
    "region",
    "store_id",
)


def as_claimed(row: Mapping[str, Any], *, batch_id: int, brand_id: int) -> CodeBatch:
    """The batch from the CLAIM_COLUMNS a claim read (an in-memory model: a claim does not read it
    again for its rules and its answer)."""
    return CodeBatch.construct(id=batch_id, brand_id=brand_id, **{column: row[column] for column in CLAIM_COLUMNS})
