"""The brand's products as its code batches describe them: a purchase from a till or an imported order
earns, per item, the points the product's latest batch gives a scanned can."""

from __future__ import annotations

from loyalty.models import CodeBatch


async def points_per_item(*, brand_id: int, skus: list[str] | None = None) -> dict[str, int]:
    """SKU -> points per item, from each SKU's latest batch (of `skus`, or every product)."""
    batches = CodeBatch.filter(brand_id=brand_id)
    if skus is not None:
        batches = batches.filter(sku__in=skus)
    found: dict[str, int] = {}
    for sku, each in await batches.order_by("id").values_list("sku", "points_per_item"):
        found[str(sku)] = int(each)  # later batches overwrite earlier ones
    return found
