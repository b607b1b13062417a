"""Members: sign-in identities, registration (with attribution), scans of codes, profile edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import (
    BindingReason,
    Channel,
    Guide,
    GuideBinding,
    GuideRole,
    GuideStatus,
    IdentityProvider,
    Member,
    MemberIdentity,
    MemberTag,
    Touch,
    TouchKind,
)
from referral.services import attribution, invites, policy as policies, registration_call, touches
from referral.services.profile_fields import UNSET, ProfileInput, clean, full_phone
from referral.sql import Statement

MAX_TAG = 64
INVITE_CODE_MAX = 16


async def sign_in(
    *, brand_id: int, provider: IdentityProvider, subject: str, unionid: str | None = None
) -> tuple[Member, bool]:
    """Return (member, created) for a proven identity, creating the member on first sign-in.

    Raises MEMBER_DELETED when the identity belongs to an erased member.
    """
    for _ in range(3):
        member = await _member_for(brand_id, provider, subject)
        if member is not None:
            break
        try:
            async with in_transaction() as conn:
                member = await Member.create(brand_id=brand_id, invite_code=invites.new_member_code(), using_db=conn)
                await MemberIdentity.create(
                    brand_id=brand_id,
                    member=member,
                    provider=provider,
                    subject=subject,
                    unionid=unionid,
                    using_db=conn,
                )
            return member, True
        except IntegrityError:
            # A concurrent first sign-in of the same identity won the unique constraint (or, once in
            # a trillion, the invite code collided): look again.
            continue
    if member is None:
        raise RuntimeError("could not create a member after three attempts")
    if member.deleted_at is not None:
        raise ReferralError(Code.MEMBER_DELETED, "This account was deleted.")
    return member, False


async def _member_for(brand_id: int, provider: IdentityProvider, subject: str) -> Member | None:
    identity = await MemberIdentity.get_or_none(brand_id=brand_id, provider=provider, subject=subject).select_related(
        "member"
    )
    return identity.member if identity else None


@dataclass(frozen=True)
class ActiveMember:
    """What a session needs to know about its member: that they exist, and their guide record if active."""

    member_id: int
    guide_id: int | None
    guide_store_id: int | None
    guide_role: GuideRole | None


async def get_active(*, brand_id: int, member_id: int) -> ActiveMember | None:
    """The member (not erased) of this brand with their active guide record, or None.

    One statement: every authenticated request of a member runs it."""
    q = Statement()
    rows = await q.rows(
        "SELECT m.id, g.id AS guide_id, g.store_id, g.role FROM member m "
        f"LEFT JOIN guide g ON g.member_id = m.id AND g.brand_id = m.brand_id "
        f"AND g.status = {q.p(GuideStatus.ACTIVE.value)} "
        f"WHERE m.id = {q.p(member_id)} AND m.brand_id = {q.p(brand_id)} AND m.deleted_at IS NULL"
    )
    if not rows:
        return None
    row = rows[0]
    return ActiveMember(
        member_id=row["id"],
        guide_id=row["guide_id"],
        guide_store_id=row["store_id"],
        guide_role=GuideRole(row["role"]) if row["role"] else None,
    )


async def get(*, brand_id: int, member_id: int) -> Member:
    """The member; raises MEMBER_NOT_FOUND (also for another brand's or an erased member)."""
    member = await Member.get_or_none(id=member_id, brand_id=brand_id, deleted_at=None)
    if member is None:
        raise ReferralError(Code.MEMBER_NOT_FOUND, "No such member.", "member_id")
    return member


async def register(
    *,
    brand_id: int,
    member_id: int,
    now: datetime,
    code: str | None = None,
    channel: Channel | None = None,
    campaign: str | None = None,
    profile: ProfileInput | None = None,
    stepwise: bool = False,
) -> Member:
    """Complete registration, attributing the member by first touch (see attribution.py).

    Raises ALREADY_REGISTERED, CODE_INVALID, CODE_UNKNOWN, GUIDE_INACTIVE, INVITE_SELF,
    INVITER_NOT_REGISTERED, or a profile field error; on any error nothing changes. `stepwise`
    writes a round trip at a time, as on SQLite, on any engine: the reference the one statement
    is compared with (tests/referral/test_registration_paths.py).
    """
    profile = profile or ProfileInput()
    fields = clean(profile, today=now.date(), now=now, offered=await _offered(brand_id, profile))
    campaign = (campaign or "").strip() or None
    if campaign is not None and len(campaign) > MAX_TAG:
        raise ReferralError(
            Code.REGISTRATION_TAG_INVALID, f"A registration tag has at most {MAX_TAG} characters.", "campaign"
        )
    if code:
        inviter = await invites.resolve(brand_id=brand_id, raw=code)
        recruited = attribution.recruited_by_code(member_id, inviter, channel)
    else:
        recruited = attribution.recruited_without_code(await _earliest_scanned_guide(brand_id, member_id), channel)
    guide, referrer, channel = recruited.guide, recruited.referrer, recruited.channel
    values = dict(
        registered_at=now,
        channel=channel,
        referrer_id=referrer.id if referrer else None,
        origin_guide_id=guide.id if guide else None,
        origin_store_id=guide.store_id if guide else None,
        guide_id=guide.id if guide else None,
        registration_tag=campaign,
        **fields,
    )
    # On PostgreSQL the writes are one statement (registration_call); elsewhere a transaction of
    # a round trip each (_write_stepwise): the two write the same rows.
    if Statement().postgres and not stepwise:
        member = await registration_call.write(
            brand_id=brand_id, member_id=member_id, now=now, values=values, guide=guide, referrer=referrer
        )
        if member is None:
            raise await _not_registering(brand_id, member_id)
        return member
    await _write_stepwise(
        brand_id=brand_id, member_id=member_id, now=now, values=values, guide=guide, referrer=referrer
    )
    return await Member.get(id=member_id)


async def _write_stepwise(
    *,
    brand_id: int,
    member_id: int,
    now: datetime,
    values: dict[str, Any],
    guide: Guide | None,
    referrer: Member | None,
) -> None:
    async with in_transaction() as conn:
        # The conditional update is the guard: of two racing registrations, exactly one matches.
        registering = Member.filter(id=member_id, brand_id=brand_id, registered_at=None, deleted_at=None)
        if await registering.using_db(conn).update(**values) != 1:
            raise await _not_registering(brand_id, member_id, conn)
        channel, campaign = values["channel"], values["registration_tag"]
        if guide is not None:
            await GuideBinding.create(
                brand_id=brand_id,
                member_id=member_id,
                guide_id=guide.id,
                store_id=guide.store_id,
                started_at=now,
                reason=BindingReason.REGISTRATION,
                using_db=conn,
            )
        await touches.record(
            brand_id=brand_id,
            member_id=member_id,
            kind=TouchKind.REGISTRATION,
            at=now,
            channel=channel,
            guide_id=guide.id if guide else None,
            store_id=guide.store_id if guide else None,
            campaign=campaign,
            other_member_id=referrer.id if referrer else None,
            conn=conn,
        )
        if referrer is not None:
            await touches.record(
                brand_id=brand_id,
                member_id=referrer.id,
                kind=TouchKind.REFERRAL,
                at=now,
                other_member_id=member_id,
                channel=Channel.MEMBER_INVITE,
                attribute=True,
                conn=conn,
            )


async def _not_registering(brand_id: int, member_id: int, conn: BaseDBAsyncClient | None = None) -> ReferralError:
    """Why a registration's conditional update matched nothing."""
    member = await Member.filter(id=member_id, brand_id=brand_id).using_db(conn).get_or_none()
    if member is None or member.deleted_at is not None:
        return ReferralError(Code.MEMBER_NOT_FOUND, "No such member.")
    return ReferralError(Code.ALREADY_REGISTERED, "You are already a member.")


async def _earliest_scanned_guide(brand_id: int, member_id: int) -> Guide | None:
    scan = (
        await Touch.filter(brand_id=brand_id, member_id=member_id, kind=TouchKind.GUIDE_SCAN, guide_id__isnull=False)
        .order_by("occurred_at", "id")
        .first()
    )
    if scan is None or scan.guide_id is None:
        return None
    return await Guide.get(id=scan.guide_id)


@dataclass(frozen=True)
class ScanResult:
    inviter: invites.Inviter
    switched: bool


async def scan_code(*, brand_id: int, member_id: int, code: str, now: datetime) -> ScanResult:
    """Record that the member scanned a guide's or member's code; switch guide only if the policy allows.

    Raises CODE_INVALID, CODE_UNKNOWN, INVITE_SELF or GUIDE_INACTIVE.
    """
    inviter = await invites.resolve(brand_id=brand_id, raw=code)
    member = await get(brand_id=brand_id, member_id=member_id)
    if inviter.member is not None:
        if inviter.member.id == member.id:
            raise ReferralError(Code.INVITE_SELF, "This is your own invite code.", "code")
        await touches.record(
            brand_id=brand_id,
            member_id=member.id,
            kind=TouchKind.INVITE_SCAN,
            at=now,
            other_member_id=inviter.member.id,
            attribute=True,
        )
        return ScanResult(inviter, switched=False)
    guide = inviter.guide
    assert guide is not None
    await touches.record(
        brand_id=brand_id,
        member_id=member.id,
        kind=TouchKind.GUIDE_SCAN,
        at=now,
        guide_id=guide.id,
        store_id=guide.store_id,
        channel=Channel.GUIDE_QR,
    )
    if not attribution.scan_could_move(member, guide):
        return ScanResult(inviter, switched=False)
    current = await GuideBinding.filter(member_id=member.id, ended_at=None).order_by("-started_at").first()
    policy = await policies.get(brand_id=brand_id)
    if not attribution.may_switch(policy, member, current.started_at if current else None, now):
        return ScanResult(inviter, switched=False)
    switched = await rebind(
        brand_id=brand_id,
        member_id=member.id,
        from_guide_id=member.guide_id,
        to_guide=guide,
        now=now,
        reason=BindingReason.SWITCH,
    )
    return ScanResult(inviter, switched=switched)


async def rebind(
    *, brand_id: int, member_id: int, from_guide_id: int | None, to_guide: Guide, now: datetime, reason: BindingReason
) -> bool:
    """Move a member from one guide to another, closing the old binding; False if someone moved them first."""
    async with in_transaction() as conn:
        moving = Member.filter(id=member_id, brand_id=brand_id, guide_id=from_guide_id)
        if await moving.using_db(conn).update(guide_id=to_guide.id) != 1:
            return False
        await GuideBinding.filter(member_id=member_id, ended_at=None).using_db(conn).update(ended_at=now)
        await GuideBinding.create(
            brand_id=brand_id,
            member_id=member_id,
            guide_id=to_guide.id,
            store_id=to_guide.store_id,
            started_at=now,
            reason=reason,
            using_db=conn,
        )
        await touches.record(
            brand_id=brand_id,
            member_id=member_id,
            kind=TouchKind.GUIDE_CHANGE,
            at=now,
            guide_id=to_guide.id,
            store_id=to_guide.store_id,
            conn=conn,
        )
    return True


def served_by(*, brand_id: int, guide_id: int, search: str | None = None) -> QuerySet[Member]:
    """A guide's current members (registered, not erased), optionally matching `search` (matching())."""
    q = Member.filter(brand_id=brand_id, guide_id=guide_id, registered_at__isnull=False, deleted_at=None)
    return matching(q, search)


def listing(
    *,
    brand_id: int,
    search: str | None = None,
    tag_id: int | None = None,
    guide_id: int | None = None,
    store_id: int | None = None,
) -> QuerySet[Member]:
    """The brand's registered members for HQ's lists, narrowed by search, a tag, a guide or a store
    (the store of the guide serving them now)."""
    q = Member.filter(brand_id=brand_id, registered_at__isnull=False, deleted_at=None)
    if tag_id is not None:
        q = q.filter(id__in=Subquery(MemberTag.filter(brand_id=brand_id, tag_id=tag_id).values("member_id")))
    if guide_id is not None:
        q = q.filter(guide_id=guide_id)
    if store_id is not None:
        q = q.filter(guide__store_id=store_id)
    return matching(q, search)


def matching(q: QuerySet[Member], search: str | None) -> QuerySet[Member]:
    """Members matching a name, an invite code, or a phone number: the whole number, or exactly its
    last four digits. A longer or shorter ending never matches: a guide sees phones masked, and
    suffixes of growing length would unmask one digit at a time."""
    term = (search or "").strip()
    if not term:
        return q
    found = Q(name__icontains=term)
    if len(term) <= INVITE_CODE_MAX:
        found |= Q(invite_code=term.upper())
    if len(term) == 4 and term.isdigit():
        found |= Q(phone__endswith=term)
    elif (phone := full_phone(term)) is not None:
        found |= Q(phone=phone)
    return q.filter(found)


async def _offered(brand_id: int, profile: ProfileInput) -> tuple[str, ...]:
    """The locales the brand offers its members (read only when the member chooses one)."""
    if profile.locale is UNSET or profile.locale is None:
        return ()
    return regional.of(await Brand.get(id=brand_id)).locales


async def update_profile(*, brand_id: int, member_id: int, profile: ProfileInput, now: datetime) -> Member:
    """Change the given profile fields; raises MEMBER_NOT_FOUND or a field error, changing nothing."""
    fields = clean(profile, today=now.date(), now=now, offered=await _offered(brand_id, profile))
    member = await get(brand_id=brand_id, member_id=member_id)
    if fields:
        await Member.filter(id=member.id).update(**fields)
    return await Member.get(id=member.id)
