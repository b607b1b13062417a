"""Replay protection for signed pushes (WeChat's callbacks): each nonce is accepted once."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from foundation.tenancy.models import SeenNonce

# Longer than any timestamp skew the pushes allow, so a nonce is remembered while it could be replayed.
KEEP = timedelta(minutes=15)


async def first_time(*, brand_id: int, channel: str, nonce: str, now: datetime) -> bool:
    """True the first time this nonce is presented; False for a replay (the unique key decides)."""
    try:
        await SeenNonce.create(brand_id=brand_id, channel=channel, nonce=nonce, seen_at=now)
    except IntegrityError:
        return False
    return True


async def forget_old(*, now: datetime) -> int:
    return await SeenNonce.filter(seen_at__lt=now - KEEP).delete()
