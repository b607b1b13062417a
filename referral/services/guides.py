"""Guides: enrolment through a store's QR, approval, leaving, and reassignment of their members."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from foundation.rows import column
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import BindingReason, Guide, GuideRole, GuideStatus, Member, Store
from referral.services import enrolment as enrolments, invites
from referral.services.members import rebind


def query(*, brand_id: int, store_scope: int | None = None, status: GuideStatus | None = None) -> QuerySet[Guide]:
    """The brand's guides (a store manager sees their store's), oldest first."""
    q = Guide.filter(brand_id=brand_id)
    if store_scope is not None:
        q = q.filter(store_id=store_scope)
    if status is not None:
        q = q.filter(status=status)
    return q.order_by("id")


async def get(*, brand_id: int, guide_id: int, store_scope: int | None = None) -> Guide:
    """The guide; raises GUIDE_NOT_FOUND (also outside the caller's store or brand)."""
    guide = await query(brand_id=brand_id, store_scope=store_scope).filter(id=guide_id).first()
    if guide is None:
        raise ReferralError(Code.GUIDE_NOT_FOUND, "No such guide.", "guide_id")
    return guide


async def enrol(*, key: bytes, brand_id: int, member_id: int, token: str, now: datetime) -> Guide:
    """A member who scanned a store's enrolment QR becomes a pending guide of that store.

    Raises ENROLMENT_INVALID, ENROLMENT_EXPIRED, ENROLMENT_REVOKED, STORE_INACTIVE or GUIDE_ALREADY_ENROLLED.
    """
    enrolment = await enrolments.verify(key=key, brand_id=brand_id, token=token, now=now)
    if not await Store.exists(id=enrolment.store_id, is_active=True):
        raise ReferralError(Code.STORE_INACTIVE, "This store is closed.", "token")
    return await _create(brand_id, member_id, enrolment.store_id, GuideRole.GUIDE, GuideStatus.PENDING, None)


async def appoint(
    *, brand_id: int, member_id: int, store_id: int, role: GuideRole = GuideRole.GUIDE, now: datetime | None = None
) -> Guide:
    """Make a member an active guide (or manager) directly; raises STORE_NOT_FOUND, MEMBER_NOT_FOUND
    or GUIDE_ALREADY_ENROLLED."""
    if not await Store.exists(id=store_id, brand_id=brand_id):
        raise ReferralError(Code.STORE_NOT_FOUND, "No such store.", "store_id")
    return await _create(brand_id, member_id, store_id, role, GuideStatus.ACTIVE, now)


async def _create(
    brand_id: int, member_id: int, store_id: int, role: GuideRole, status: GuideStatus, approved_at: datetime | None
) -> Guide:
    if not await Member.exists(id=member_id, brand_id=brand_id, deleted_at=None):
        raise ReferralError(Code.MEMBER_NOT_FOUND, "No such member.", "member_id")
    try:
        return await Guide.create(
            brand_id=brand_id,
            member_id=member_id,
            store_id=store_id,
            role=role,
            status=status,
            invite_code=invites.new_guide_code(),
            approved_at=approved_at if status is GuideStatus.ACTIVE else None,
        )
    except IntegrityError:
        raise ReferralError(Code.GUIDE_ALREADY_ENROLLED, "You are already a guide of this brand.") from None


async def approve(*, brand_id: int, guide_id: int, now: datetime, store_scope: int | None = None) -> Guide:
    """Activate a pending guide; raises GUIDE_NOT_FOUND or GUIDE_NOT_PENDING."""
    guide = await get(brand_id=brand_id, guide_id=guide_id, store_scope=store_scope)
    changed = await Guide.filter(id=guide.id, status=GuideStatus.PENDING).update(
        status=GuideStatus.ACTIVE, approved_at=now
    )
    if changed != 1:
        raise ReferralError(Code.GUIDE_NOT_PENDING, "This guide is not waiting for approval.", "guide_id")
    return await Guide.get(id=guide.id)


async def deactivate(*, brand_id: int, guide_id: int, now: datetime, store_scope: int | None = None) -> Guide:
    """A guide leaves: history stays, no new members are attributed to them. Idempotent."""
    guide = await get(brand_id=brand_id, guide_id=guide_id, store_scope=store_scope)
    await (
        Guide.filter(id=guide.id).exclude(status=GuideStatus.INACTIVE).update(status=GuideStatus.INACTIVE, left_at=now)
    )
    return await Guide.get(id=guide.id)


async def reassign_members(*, brand_id: int, from_guide_id: int, to_guide_id: int, now: datetime) -> int:
    """HQ moves every member served by one guide to another; each move is a dated binding.

    Raises GUIDE_NOT_FOUND, SAME_GUIDE or GUIDE_INACTIVE (the receiving guide must be active).
    """
    source = await get(brand_id=brand_id, guide_id=from_guide_id)
    target = await get(brand_id=brand_id, guide_id=to_guide_id)
    if source.id == target.id:
        raise ReferralError(Code.SAME_GUIDE, "Choose a different guide.", "to_guide_id")
    if target.status is not GuideStatus.ACTIVE:
        raise ReferralError(Code.GUIDE_INACTIVE, "The receiving guide is not active.", "to_guide_id")
    member_ids = await column(Member.filter(brand_id=brand_id, guide_id=source.id))
    moved = 0
    async with in_transaction():
        for member_id in member_ids:
            moved += await rebind(
                brand_id=brand_id,
                member_id=member_id,
                from_guide_id=source.id,
                to_guide=target,
                now=now,
                reason=BindingReason.REASSIGNMENT,
            )
    return moved
