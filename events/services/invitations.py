"""Guides invite their own members to an event; the sign-up an invitation leads to is theirs."""

from __future__ import annotations

from datetime import datetime

from events.errors import EventError, EventErrorCode as Code
from events.models import EventStatus
from events.services import events as events_service
from foundation.rows import column
from referral.models import Member, MemberTag, Tag
from referral.sql import Statement

MAX_PER_REQUEST = 500


async def invite(
    *, brand_id: int, event_id: int, guide_id: int, member_ids: list[int], tag_id: int | None, now: datetime
) -> int:
    """Invite some of the guide's members (listed, or all with a tag); returns how many new
    invitations were made (inviting twice is harmless). Raises EVENT_NOT_FOUND, EVENT_CANCELLED,
    EVENT_INVALID (nobody named, too many), TAG_NOT_FOUND or NOT_YOUR_MEMBER (a listed member is not the guide's)."""
    event = await events_service.get(brand_id=brand_id, event_id=event_id)
    if event.status is EventStatus.CANCELLED:
        raise EventError(Code.EVENT_CANCELLED, "This event was cancelled.", "event_id")
    if event.status is not EventStatus.PUBLISHED:
        raise EventError(Code.EVENT_NOT_OPEN, "Publish the event before inviting.", "event_id")
    wanted = set(member_ids)
    if tag_id is not None and not await Tag.exists(id=tag_id, brand_id=brand_id):
        raise EventError(Code.TAG_NOT_FOUND, "No such tag.", "tag_id")
    if tag_id is not None:
        tagged = await column(MemberTag.filter(tag_id=tag_id, brand_id=brand_id), "member_id")
        wanted |= set(await column(Member.filter(id__in=tagged, brand_id=brand_id, guide_id=guide_id, deleted_at=None)))
    if not wanted or len(wanted) > MAX_PER_REQUEST:
        raise EventError(Code.EVENT_INVALID, f"Invite 1 to {MAX_PER_REQUEST} of your members.", "member_ids")
    own = set(await column(Member.filter(id__in=wanted, brand_id=brand_id, guide_id=guide_id, deleted_at=None)))
    if own != wanted:
        raise EventError(Code.NOT_YOUR_MEMBER, "You can invite only the members you serve.", "member_ids")
    made = 0
    for member_id in sorted(wanted):
        q = Statement()
        rows = await q.rows(
            "INSERT INTO invitation (brand_id, event_id, member_id, guide_id, invited_at) VALUES "
            f"({q.p(brand_id)}, {q.p(event.id)}, {q.p(member_id)}, {q.p(guide_id)}, {q.p(now)}) "
            "ON CONFLICT (event_id, member_id, guide_id) DO NOTHING RETURNING id"
        )
        made += len(rows)
    return made
