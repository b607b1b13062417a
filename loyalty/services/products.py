"""The brand's products as its code batches describe them: a purchase from a till or an imported order
earns, per item, the points the product's latest batch gives a scanned can, and is reported under
the product line that batch names."""

from __future__ import annotations

from typing import NamedTuple

from loyalty.models import CodeBatch


class Product(NamedTuple):
    points: int  # per item
    line: str | None


async def catalogue(*, brand_id: int, skus: list[str] | None = None) -> dict[str, Product]:
    """SKU -> its points per item and line, from each SKU's latest batch (of `skus`, or every product)."""
    batches = CodeBatch.filter(brand_id=brand_id)
    if skus is not None:
        batches = batches.filter(sku__in=skus)
    found: dict[str, Product] = {}
    for sku, each, line in await batches.order_by("id").values_list("sku", "points_per_item", "product_line"):
        found[str(sku)] = Product(int(each), line)  # later batches overwrite earlier ones
    return found
