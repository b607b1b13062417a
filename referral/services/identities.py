"""One person, several sign-in identities (WeChat, LINE): linking them, and merging two members into one.

The caller proves both identities (their session for one, a fresh WeChat code or LINE token for
the other) before this runs. When the new identity already leads to another member, the two
members merge into the one that registered first. That keeps the referral graph a forest: the
absorbed member's invitees registered after it, hence after the survivor, so none of them can be
the survivor's ancestor. The person then counts once: the absorbed registration is dropped, and
every purchase, scan and coupon moves to the survivor (each still counted once).
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import (
    Guide,
    GuideBinding,
    IdentityProvider,
    Member,
    MemberIdentity,
    MemberTag,
    Touch,
    TouchKind,
)
from referral.services import invites, members
from referral.services.member_data import MemberData
from referral.services.profile_fields import PERSONAL_FIELDS


async def link(
    *,
    brand_id: int,
    member_id: int,
    provider: IdentityProvider,
    subject: str,
    unionid: str | None,
    now: datetime,
    member_data: MemberData,
) -> Member:
    """Attach a proven identity to the member, merging if it leads to another member; returns the
    member the person is now. Raises IDENTITY_PROVIDER_TAKEN or MERGE_CONFLICT."""
    member = await members.get(brand_id=brand_id, member_id=member_id)
    existing = await MemberIdentity.get_or_none(brand_id=brand_id, provider=provider, subject=subject)
    if existing is not None:
        if existing.member_id == member.id:
            return member
        return await merge(
            brand_id=brand_id, member_ids=(member.id, existing.member_id), now=now, member_data=member_data
        )
    if await MemberIdentity.exists(member_id=member.id, provider=provider):
        raise ReferralError(
            Code.IDENTITY_PROVIDER_TAKEN, f"This account already has a {provider.value} sign-in.", "provider"
        )
    try:
        await MemberIdentity.create(
            brand_id=brand_id, member_id=member.id, provider=provider, subject=subject, unionid=unionid
        )
    except IntegrityError:  # the same identity was linked or signed in concurrently: try again as a merge
        return await link(
            brand_id=brand_id,
            member_id=member.id,
            provider=provider,
            subject=subject,
            unionid=unionid,
            now=now,
            member_data=member_data,
        )
    return member


def _survivor_first(a: Member, b: Member) -> tuple[Member, Member]:
    """(survivor, absorbed): the one registered first; if neither registered, the one created first."""

    def rank(m: Member) -> tuple[bool, datetime, int]:
        return (m.registered_at is None, m.registered_at or m.created_at, m.id)

    return (a, b) if rank(a) <= rank(b) else (b, a)


async def merge(*, brand_id: int, member_ids: tuple[int, int], now: datetime, member_data: MemberData) -> Member:
    """Merge two members of the brand into one, with their rows in other domains (`member_data`);
    raises MEMBER_NOT_FOUND or MERGE_CONFLICT."""
    async with in_transaction() as conn:
        # Row locks in id order (PostgreSQL), so two merges of the same pair cannot interleave.
        locked = (
            await Member.filter(id__in=sorted(member_ids), brand_id=brand_id, deleted_at=None)
            .select_for_update()
            .using_db(conn)
            .order_by("id")
        )
        if len(locked) != 2:
            raise ReferralError(Code.MEMBER_NOT_FOUND, "No such member.")
        survivor, absorbed = _survivor_first(*locked)
        guides = {g.member_id: g for g in await Guide.filter(member_id__in=member_ids).using_db(conn)}
        if len(guides) == 2:
            raise ReferralError(Code.MERGE_CONFLICT, "Both accounts are guides; ask HQ to merge them.")
        s, a = survivor.id, absorbed.id
        providers = [
            await MemberIdentity.filter(member_id=m).using_db(conn).values_list("provider", flat=True) for m in (s, a)
        ]
        if set(providers[0]) & set(providers[1]):
            raise ReferralError(
                Code.MERGE_CONFLICT, "Both accounts have a sign-in of the same kind; ask HQ to merge them."
            )

        await MemberIdentity.filter(member_id=a).using_db(conn).update(member_id=s)
        if survivor.registered_at is not None and absorbed.registered_at is not None:
            # The person registered once: the later registration (and the referral credit it gave) goes.
            await Touch.filter(member_id=a, kind=TouchKind.REGISTRATION).using_db(conn).delete()
            await Touch.filter(other_member_id=a, kind=TouchKind.REFERRAL).using_db(conn).delete()
        await Touch.filter(member_id=a).using_db(conn).update(member_id=s)
        await Touch.filter(other_member_id=a).using_db(conn).update(other_member_id=s)
        await GuideBinding.filter(member_id=a).using_db(conn).delete()
        await Member.filter(referrer_id=a).using_db(conn).update(referrer_id=s)
        for tag_id in await MemberTag.filter(member_id=a).using_db(conn).values_list("tag_id", flat=True):
            if not await MemberTag.exists(member_id=s, tag_id=tag_id):
                await MemberTag.create(brand_id=brand_id, member_id=s, tag_id=tag_id, using_db=conn)
        await MemberTag.filter(member_id=a).using_db(conn).delete()
        if a in guides:
            await Guide.filter(member_id=a).using_db(conn).update(member_id=s)

        # The survivor keeps its own answers and takes the absorbed member's where it has none.
        fill = {
            f: getattr(absorbed, f)
            for f in PERSONAL_FIELDS
            if getattr(survivor, f) is None and getattr(absorbed, f) is not None
        }
        if fill:
            await Member.filter(id=s).using_db(conn).update(**fill)
        await (
            Member.filter(id=a)
            .using_db(conn)
            .update(
                deleted_at=now,
                referrer_id=None,
                invite_code=invites.new_member_code(),
                **{f: None for f in PERSONAL_FIELDS},
            )
        )
        for move in member_data.move:
            await move(conn, brand_id, a, s)
    return await Member.get(id=s)
