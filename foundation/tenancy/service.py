"""Brand look-up and creation."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from foundation.tenancy.models import Brand

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")


CREDENTIALS = (
    "wechat_secret",
    "line_channel_secret",
    "line_channel_access_token",
    "wechat_callback_token",
    "wechat_aes_key",
)


class BrandError(ValueError):
    """A brand cannot be created or found as asked."""


async def get_by_slug(slug: str) -> Brand | None:
    """Return the brand with this slug, or None."""
    if not _SLUG.fullmatch(slug or ""):
        return None
    return await Brand.get_or_none(slug=slug)


async def create(
    *,
    slug: str,
    name: str,
    wechat_appid: str | None = None,
    wechat_secret: str | None = None,
    line_channel_id: str | None = None,
    line_channel_secret: str | None = None,
    line_channel_access_token: str | None = None,
) -> Brand:
    """Create a brand; raises BrandError on a bad or taken slug."""
    if not _SLUG.fullmatch(slug):
        raise BrandError("slug must be 2-40 lowercase letters, digits or dashes")
    if not name.strip():
        raise BrandError("name must not be empty")
    try:
        return await Brand.create(
            slug=slug,
            name=name.strip(),
            wechat_appid=wechat_appid,
            wechat_secret=wechat_secret,
            line_channel_id=line_channel_id,
            line_channel_secret=line_channel_secret,
            line_channel_access_token=line_channel_access_token,
        )
    except IntegrityError:
        raise BrandError(f"brand {slug!r} or its WeChat/LINE ids already exist") from None


async def reseal_credentials() -> int:
    """Seal every brand's credentials again under the first data key (after a key was added, before
    the old one is dropped); returns how many brands were written."""
    brands = await Brand.all()
    for brand in brands:
        # Loading opened them under any listed key; saving seals them under the first.
        await brand.save(update_fields=list(CREDENTIALS))
    return len(brands)
