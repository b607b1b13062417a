"""A brand's loyalty settings, created with defaults on first use, and the URL printed on its cans."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from foundation.rows import one_per_brand
from foundation.tenancy import changes
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import LoyaltyPolicy

# What a new brand's cans would print until it names its own mini-program URL: never printable.
PLACEHOLDER_ITEM_URL = "https://mp.example.com/i"


async def get(*, brand_id: int) -> LoyaltyPolicy:
    return await one_per_brand(LoyaltyPolicy, brand_id=brand_id)


def require_printable(policy: LoyaltyPolicy) -> None:
    """Raises ITEM_URL_NOT_SET while the brand's cans would print the placeholder URL."""
    if policy.item_url_base == PLACEHOLDER_ITEM_URL:
        raise LoyaltyError(Code.ITEM_URL_NOT_SET, "Set the URL printed on cans before exporting codes.", "url")


async def set_item_url_base(*, brand_id: int, url: str, changed_by: str, now: datetime) -> LoyaltyPolicy:
    """The URL each can's QR opens with ?i=<code> (the mini-program's registered QR prefix): https,
    no query or fragment, at most 180 characters (the code and ?i= take the rest of the column).
    Records the change; raises ITEM_URL_INVALID, changing nothing."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or parts.query
        or parts.fragment
        or len(url) > 180
        or url == PLACEHOLDER_ITEM_URL
        or not url.isascii()
        or any(c.isspace() for c in url)
    ):
        raise LoyaltyError(Code.ITEM_URL_INVALID, "The item URL must be https, without ? or #.", "url")
    policy = await get(brand_id=brand_id)
    async with in_transaction() as conn:
        # Locked, so two changes at once record each other's values as old, in order.
        current = await LoyaltyPolicy.filter(id=policy.id).select_for_update().using_db(conn).get()
        if current.item_url_base != url:
            await changes.record(
                conn,
                brand_id=brand_id,
                setting="item_url_base",
                old=current.item_url_base,
                new=url,
                by=changed_by,
                at=now,
            )
            await LoyaltyPolicy.filter(id=policy.id).using_db(conn).update(item_url_base=url)
    return await LoyaltyPolicy.get(id=policy.id)
