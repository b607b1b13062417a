"""Personal invite codes of guides (prefix G) and members (prefix M), and what a scanned code names."""

from __future__ import annotations

from dataclasses import dataclass

from referral import codes
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Guide, Member

GUIDE_PREFIX = "G"
MEMBER_PREFIX = "M"


@dataclass(frozen=True)
class Inviter:
    """Who a code belongs to: a guide, or a member (whose own guide shares the credit)."""

    guide: Guide | None
    member: Member | None


def new_guide_code() -> str:
    return codes.new(GUIDE_PREFIX)


def new_member_code() -> str:
    return codes.new(MEMBER_PREFIX)


async def resolve(*, brand_id: int, raw: str) -> Inviter:
    """The guide or member a code belongs to in this brand; raises CODE_INVALID or CODE_UNKNOWN.

    Malformed and mistyped codes are refused by their check character, before any database read.
    """
    code = codes.normalize(raw)
    if code is None or code[0] not in (GUIDE_PREFIX, MEMBER_PREFIX):
        raise ReferralError(Code.CODE_INVALID, "This code is not valid; please scan it again.", "code")
    if code[0] == GUIDE_PREFIX:
        guide = await Guide.get_or_none(brand_id=brand_id, invite_code=code)
        if guide is None:
            raise ReferralError(Code.CODE_UNKNOWN, "This code does not belong to this brand.", "code")
        return Inviter(guide=guide, member=None)
    member = await Member.get_or_none(brand_id=brand_id, invite_code=code, deleted_at=None)
    if member is None:
        raise ReferralError(Code.CODE_UNKNOWN, "This code does not belong to this brand.", "code")
    guide = await Guide.get_or_none(id=member.guide_id) if member.guide_id else None
    return Inviter(guide=guide, member=member)
