"""Members and the sign-in identities that lead to them."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Guide, GuideStatus, IdentityProvider, Member, MemberIdentity


async def sign_in(
    *,
    brand_id: int,
    provider: IdentityProvider,
    subject: str,
    unionid: str | None = None,
) -> tuple[Member, bool]:
    """Return (member, created) for a proven identity, registering it on first sign-in.

    Raises MEMBER_DELETED when the identity belongs to an erased member.
    """
    member = await _member_for(brand_id, provider, subject)
    if member is None:
        try:
            async with in_transaction():
                member = await Member.create(brand_id=brand_id)
                await MemberIdentity.create(
                    brand_id=brand_id, member=member, provider=provider, subject=subject, unionid=unionid
                )
            return member, True
        except IntegrityError:
            # A concurrent first sign-in of the same identity won the unique constraint; use its member.
            member = await _member_for(brand_id, provider, subject)
            if member is None:
                raise
    if member.deleted_at is not None:
        raise ReferralError(Code.MEMBER_DELETED, "This account was deleted.")
    return member, False


async def _member_for(brand_id: int, provider: IdentityProvider, subject: str) -> Member | None:
    identity = await MemberIdentity.get_or_none(
        brand_id=brand_id, provider=provider, subject=subject
    ).select_related("member")
    return identity.member if identity else None


async def get_active(*, brand_id: int, member_id: int) -> tuple[Member, Guide | None] | None:
    """The member (not erased) of this brand with their active guide record, or None."""
    member = await Member.get_or_none(id=member_id, brand_id=brand_id, deleted_at=None)
    if member is None:
        return None
    guide = await Guide.get_or_none(brand_id=brand_id, member_id=member_id, status=GuideStatus.ACTIVE)
    return member, guide
