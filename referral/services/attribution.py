"""Attribution rules, all in one place (the README states them for HQ):

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

from datetime import datetime, timedelta

from referral.models import GuideBinding, Member, ReferralPolicy


async def guide_at(*, brand_id: int, member_id: int, at: datetime) -> tuple[int, int] | None:
    """(guide_id, store_id) bound to the member at `at`, or None."""
    binding = (
        await GuideBinding.filter(brand_id=brand_id, member_id=member_id, started_at__lte=at)
        .order_by("-started_at", "-id")
        .first()
    )
    if binding is None or (binding.ended_at is not None and binding.ended_at <= at):
        return None
    return binding.guide_id, binding.store_id


def may_switch(policy: ReferralPolicy, member: Member, bound_since: datetime | None, now: datetime) -> bool:
    """Rule 2: may this member move to another guide now?"""
    if member.guide_id is None:
        return True
    if not policy.allow_guide_switch or bound_since is None:
        return False
    return now - bound_since >= timedelta(days=policy.switch_after_days)
