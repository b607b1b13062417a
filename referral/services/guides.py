"""Guides: members enrolled to serve a store's customers."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Guide, GuideRole, GuideStatus, Member, Store


async def appoint(
    *, brand_id: int, member_id: int, store_id: int, role: GuideRole = GuideRole.GUIDE
) -> Guide:
    """Make a member an active guide (or manager) of a store; raises STORE_NOT_FOUND,
    MEMBER_NOT_FOUND or GUIDE_ALREADY_ENROLLED."""
    if not await Store.exists(id=store_id, brand_id=brand_id):
        raise ReferralError(Code.STORE_NOT_FOUND, "No such store.", "storeId")
    if not await Member.exists(id=member_id, brand_id=brand_id, deleted_at=None):
        raise ReferralError(Code.MEMBER_NOT_FOUND, "No such member.", "memberId")
    try:
        return await Guide.create(
            brand_id=brand_id, member_id=member_id, store_id=store_id, role=role, status=GuideStatus.ACTIVE
        )
    except IntegrityError:
        raise ReferralError(Code.GUIDE_ALREADY_ENROLLED, "This member is already a guide.", "memberId") from None
