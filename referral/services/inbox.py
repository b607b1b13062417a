"""A member's in-app inbox: every notice lands here (outbox.enqueue writes it), push or no push."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.queryset import QuerySet

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import InboxItem


def of_member(*, brand_id: int, member_id: int) -> QuerySet[InboxItem]:
    return InboxItem.filter(brand_id=brand_id, member_id=member_id)


async def unread(*, brand_id: int, member_id: int) -> int:
    return await of_member(brand_id=brand_id, member_id=member_id).filter(read_at=None).count()


async def mark_read(*, brand_id: int, member_id: int, item_ids: Sequence[int] | None, now: datetime) -> int:
    """Mark the member's items read (all of them when `item_ids` is None); returns how many are still
    unread. An id that is not one of the member's own refuses the whole request (INBOX_ITEM_NOT_FOUND)."""
    mine = of_member(brand_id=brand_id, member_id=member_id)
    if item_ids is not None:
        wanted = set(item_ids)
        if await mine.filter(id__in=wanted).count() != len(wanted):
            raise ReferralError(Code.INBOX_ITEM_NOT_FOUND, "No such message in your inbox.", "ids")
        mine = mine.filter(id__in=wanted)
    await mine.filter(read_at=None).update(read_at=now)
    return await unread(brand_id=brand_id, member_id=member_id)
