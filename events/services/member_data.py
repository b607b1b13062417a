"""What events hold about a member: their sign-ups and answers. Exported on request; on erasure the
answers (a baby's age, say) are cleared and the registrations stay, anonymous, for attendance
figures. On a merge, registrations move to the surviving member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from events.models import Registration


async def export(brand_id: int, member_id: int) -> dict[str, Any]:
    return {
        "eventRegistrations": await Registration.filter(member_id=member_id, brand_id=brand_id)
        .order_by("id")
        .values("event__title", "status", "answers", "signed_up_at", "checked_in_at", "cancelled_at"),
    }


async def erase(conn: BaseDBAsyncClient, brand_id: int, member_id: int, now: datetime) -> None:
    """Inside the erasure's transaction: the answers a member gave go with their personal data."""
    await Registration.filter(member_id=member_id, brand_id=brand_id).using_db(conn).update(answers={})


async def move_member(conn: BaseDBAsyncClient, brand_id: int, absorbed_id: int, survivor_id: int) -> None:
    """Inside the merge's transaction. Where both signed up for the same event, the survivor's
    registration stands and the absorbed one stays with the erased account (its place is not
    reshuffled here)."""
    taken = await Registration.filter(member_id=survivor_id).using_db(conn).values_list("event_id", flat=True)
    await (
        Registration.filter(member_id=absorbed_id)
        .exclude(event_id__in=list(taken))
        .using_db(conn)
        .update(member_id=survivor_id)
    )
