"""Tags HQ defines and puts on members (automatic tags are computed in profiles.py)."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import MemberTag, Tag
from referral.services import members
from referral.services.profile_fields import text


def query(*, brand_id: int) -> QuerySet[Tag]:
    return Tag.filter(brand_id=brand_id).order_by("id")


async def create(*, brand_id: int, name: str, description: str | None = None) -> Tag:
    """A new tag; raises TAG_NAME_INVALID or TAG_TAKEN."""
    clean = text(name, "name", Code.TAG_NAME_INVALID)
    if clean is None or len(clean) > 32:
        raise ReferralError(Code.TAG_NAME_INVALID, "A tag name has 1-32 printable characters.", "name")
    try:
        return await Tag.create(brand_id=brand_id, name=clean, description=(description or "").strip()[:200] or None)
    except IntegrityError:
        raise ReferralError(Code.TAG_TAKEN, f"There is already a tag {clean!r}.", "name") from None


async def _tag(brand_id: int, tag_id: int) -> Tag:
    tag = await Tag.get_or_none(id=tag_id, brand_id=brand_id)
    if tag is None:
        raise ReferralError(Code.TAG_NOT_FOUND, "No such tag.", "tag_id")
    return tag


async def attach(*, brand_id: int, member_id: int, tag_id: int) -> None:
    """Put a tag on a member (again is harmless); raises TAG_NOT_FOUND or MEMBER_NOT_FOUND."""
    tag = await _tag(brand_id, tag_id)
    member = await members.get(brand_id=brand_id, member_id=member_id)
    try:
        await MemberTag.create(brand_id=brand_id, member_id=member.id, tag_id=tag.id)
    except IntegrityError:
        pass  # already tagged: the unique constraint makes this idempotent


async def detach(*, brand_id: int, member_id: int, tag_id: int) -> None:
    """Take a tag off a member; raises TAG_NOT_FOUND."""
    tag = await _tag(brand_id, tag_id)
    await MemberTag.filter(brand_id=brand_id, member_id=member_id, tag_id=tag.id).delete()


async def names_for(*, brand_id: int, member_ids: Sequence[int]) -> dict[int, list[str]]:
    """Manual tag names of many members, in one query."""
    out: dict[int, list[str]] = {m: [] for m in member_ids}
    rows = (
        await MemberTag.filter(brand_id=brand_id, member_id__in=list(member_ids))
        .order_by("tag_id")
        .values("member_id", "tag__name")
    )
    for row in rows:
        out[row["member_id"]].append(row["tag__name"])
    return out
