"""A brand's referral policy: QR destination, guide switching, profile thresholds."""

from __future__ import annotations

from urllib.parse import urlsplit

from foundation.rows import one_per_brand
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import ReferralPolicy


async def get(*, brand_id: int) -> ReferralPolicy:
    """The brand's policy, created with defaults on first use."""
    return await one_per_brand(ReferralPolicy, brand_id=brand_id)


async def update(
    *,
    brand_id: int,
    invite_url_base: str | None = None,
    allow_guide_switch: bool | None = None,
    switch_after_days: int | None = None,
    lapsed_after_days: int | None = None,
    vip_revenue_cents: int | None = None,
    loyal_purchases: int | None = None,
    loyal_months: int | None = None,
) -> ReferralPolicy:
    """Change the given settings, and only those (one UPDATE of the named columns: two HQ edits of
    different settings never undo each other); raises POLICY_INVALID naming the bad one, before
    anything is written (the policy row included)."""
    changes: dict[str, object] = {}
    if invite_url_base is not None:
        parts = urlsplit(invite_url_base)
        if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment or len(invite_url_base) > 200:
            raise ReferralError(Code.POLICY_INVALID, "The invite URL must be https, without ? or #.", "invite_url_base")
        changes["invite_url_base"] = invite_url_base
    for name, value, low, high in (
        ("switch_after_days", switch_after_days, 0, 3650),
        ("lapsed_after_days", lapsed_after_days, 1, 3650),
        ("vip_revenue_cents", vip_revenue_cents, 0, 10**12),
        ("loyal_purchases", loyal_purchases, 1, 100),
        ("loyal_months", loyal_months, 1, 24),
    ):
        if value is not None:
            if not low <= value <= high:
                raise ReferralError(Code.POLICY_INVALID, f"Must be between {low} and {high}.", name)
            changes[name] = value
    if allow_guide_switch is not None:
        changes["allow_guide_switch"] = allow_guide_switch
    policy = await get(brand_id=brand_id)
    if changes:
        await ReferralPolicy.filter(id=policy.id).update(**changes)
    return await ReferralPolicy.get(id=policy.id)


def invite_url(policy: ReferralPolicy, code: str) -> str:
    return f"{policy.invite_url_base}?c={code}"
