"""Which web origins may call the API from a browser: each brand lists its own (a LIFF app runs on
the brand's web domain). A change is recorded (BrandChange). The HTTP layer asks `allowed()` for
every cross-origin request, so the union of all brands' lists is kept in memory for a few seconds,
and forgotten at once in the process that changes it."""

from __future__ import annotations

import json
import time
from datetime import datetime
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from foundation.tenancy import changes
from foundation.tenancy.errors import TenancyError, TenancyErrorCode as Code
from foundation.tenancy.models import Brand

MAX_ORIGINS = 20
_TTL_S = 10.0
_cache: tuple[float, frozenset[str]] | None = None


def clean(origins: list[str]) -> list[str]:
    """The origins as browsers send them (scheme://host[:port], lower case, a domain in its ASCII
    punycode form), each once; raises ORIGIN_INVALID. https only, except on a developer's machine."""
    if len(origins) > MAX_ORIGINS:
        raise TenancyError(Code.ORIGIN_INVALID, f"At most {MAX_ORIGINS} origins.", "origins")
    kept: list[str] = []
    for raw in origins:
        origin = raw.strip().lower().rstrip("/")
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:
            raise TenancyError(Code.ORIGIN_INVALID, "An origin is scheme://host[:port].", "origins") from None
        host = parts.hostname or ""
        local = parts.scheme == "http" and host in ("localhost", "127.0.0.1", "::1")
        if (
            len(origin) > 200
            or (parts.scheme != "https" and not local)
            or not host
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username is not None
            or parts.password is not None
            or not all(c.isascii() and (c.isalnum() or c in ".-:[]") for c in parts.netloc)
        ):
            raise TenancyError(
                Code.ORIGIN_INVALID, "An origin is https://host[:port] (http only for localhost).", "origins"
            )
        normal = f"{parts.scheme}://{parts.netloc}"
        if port is not None and port <= 0:
            raise TenancyError(Code.ORIGIN_INVALID, "An origin's port is 1-65535.", "origins")
        if normal not in kept:
            kept.append(normal)
    return kept


async def set_allowed(*, brand_id: int, origins: list[str], changed_by: str, now: datetime) -> Brand:
    """Replace the brand's list; records the change. Raises ORIGIN_INVALID, changing nothing."""
    global _cache
    kept = clean(origins)
    async with in_transaction() as conn:
        brand = await Brand.filter(id=brand_id).select_for_update().using_db(conn).get()
        if (brand.allowed_origins or []) != kept:
            await changes.record(
                conn,
                brand_id=brand_id,
                setting="allowed_origins",
                old=json.dumps(brand.allowed_origins or []),
                new=json.dumps(kept),
                by=changed_by,
                at=now,
            )
            await Brand.filter(id=brand_id).using_db(conn).update(allowed_origins=kept)
    _cache = None
    return await Brand.get(id=brand_id)


async def allowed() -> frozenset[str]:
    """Every origin some brand allows."""
    global _cache
    if _cache is not None and time.monotonic() - _cache[0] < _TTL_S:
        return _cache[1]
    lists = await Brand.all().values_list("allowed_origins", flat=True)
    found = frozenset(origin for listed in lists for origin in (listed or []))
    _cache = (time.monotonic(), found)
    return found
