"""Attribution rules, all in one place (the README states them for HQ). The decisions are pure
functions of what the caller read; members.py and touches.py do the reads and the writes.

1. First touch wins: a member is recruited by the code they register with (a guide's QR, or a
   member's invite, whose guide is credited too); without one, by the earliest guide QR they
   scanned before registering; otherwise the registration is organic.
2. A later scan of another guide's code does not steal the member: it is recorded as a touch.
   Only a brand that allows switching lets a member move, and only after `switch_after_days`
   with their current guide.
3. A guide who leaves keeps their history but recruits no one new; HQ may reassign their members.
4. Every change of guide is a dated GuideBinding; a past purchase is credited to the guide bound
   at the moment of purchase, not to today's guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Channel, Guide, GuideStatus, Member, ReferralPolicy
from referral.services.invites import Inviter
from referral.sql import Statement


@dataclass(frozen=True)
class Recruitment:
    """Who recruited a registering member: the guide credited, the member who invited them, how."""

    guide: Guide | None
    referrer: Member | None
    channel: Channel


def recruited_by_code(member_id: int, inviter: Inviter, channel: Channel | None) -> Recruitment:
    """Rule 1 with a code: the code's owner recruits. A member's invite also credits that member's
    guide while the guide is active (rule 3). Raises INVITE_SELF, INVITER_NOT_REGISTERED or
    GUIDE_INACTIVE."""
    if inviter.member is not None:
        if inviter.member.id == member_id:
            raise ReferralError(Code.INVITE_SELF, "You cannot use your own invite code.", "code")
        if inviter.member.registered_at is None:
            raise ReferralError(Code.INVITER_NOT_REGISTERED, "Your friend has not registered yet.", "code")
        guide = inviter.guide if inviter.guide and inviter.guide.status is GuideStatus.ACTIVE else None
        return Recruitment(guide, inviter.member, Channel.MEMBER_INVITE)
    assert inviter.guide is not None
    require_active(inviter.guide)
    return Recruitment(inviter.guide, None, channel or Channel.GUIDE_QR)


def recruited_without_code(earliest_scanned: Guide | None, channel: Channel | None) -> Recruitment:
    """Rule 1 without a code: the guide whose QR the member scanned first, if still active (rule 3);
    otherwise the registration is organic."""
    guide = earliest_scanned if earliest_scanned and earliest_scanned.status is GuideStatus.ACTIVE else None
    return Recruitment(guide, None, channel or (Channel.GUIDE_QR if guide else Channel.ORGANIC))


def require_active(guide: Guide) -> None:
    """Rule 3: a guide who is not active recruits no one."""
    if guide.status is not GuideStatus.ACTIVE:
        raise ReferralError(Code.GUIDE_INACTIVE, "This guide is no longer taking new members.", "code")


def scan_could_move(member: Member, guide: Guide) -> bool:
    """Rule 2, before the policy is read: a scan can only move a registered member, to another guide,
    who is active. Otherwise it is a touch and nothing more."""
    return member.registered_at is not None and member.guide_id != guide.id and guide.status is GuideStatus.ACTIVE


async def guide_at(*, brand_id: int, member_id: int, at: datetime) -> tuple[int, int] | None:
    """(guide_id, store_id) bound to the member at `at`, or None."""
    q = Statement()
    rows = await q.rows(
        f"SELECT gb.guide_id, gb.store_id FROM (SELECT 1 AS one) AS x {binding_join(q, 'gb', brand_id, member_id, at)}"
    )
    if not rows or rows[0]["guide_id"] is None:
        return None
    return rows[0]["guide_id"], rows[0]["store_id"]


def binding_join(q: Statement, alias: str, brand_id: int, member_id: int, at: datetime) -> str:
    """The rule of guide_at as a LEFT JOIN, for hot paths that read it in the same statement as other
    things (a claim). Its columns are NULL when no guide was bound at `at`. Place the returned text
    where it is called: its parameters are taken in order."""
    return _binding_join(alias, q.p(brand_id), q.p(member_id), q.p(at), q.p(at))


def binding_join_on(q: Statement, alias: str, brand_id: int, member_column: str, at_column: str) -> str:
    """binding_join for many rows at once: the member and the moment are columns of the rows joined
    (an import's orders), not parameters."""
    return _binding_join(alias, q.p(brand_id), member_column, at_column, at_column)


def _binding_join(alias: str, brand: str, member: str, at: str, at_again: str) -> str:
    return (
        f"LEFT JOIN guide_binding {alias} ON {alias}.id = "
        f"(SELECT id FROM guide_binding WHERE brand_id = {brand} "
        f"AND member_id = {member} AND started_at <= {at} ORDER BY started_at DESC, id DESC LIMIT 1) "
        f"AND ({alias}.ended_at IS NULL OR {alias}.ended_at > {at_again})"
    )


def may_switch(policy: ReferralPolicy, member: Member, bound_since: datetime | None, now: datetime) -> bool:
    """Rule 2: may this member move to another guide now?"""
    if member.guide_id is None:
        return True
    if not policy.allow_guide_switch or bound_since is None:
        return False
    return now - bound_since >= timedelta(days=policy.switch_after_days)
