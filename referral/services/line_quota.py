"""LINE's monthly push allowance, read before a large send so the send is refused whole rather than
cut off halfway by LINE's 429."""

from __future__ import annotations

from foundation.integrations.line_push import LinePush, LineUnavailable, Quota
from foundation.tenancy.models import Brand
from referral.errors import ReferralError, ReferralErrorCode as Code


async def ensure(*, line: LinePush, brand: Brand, planned: int) -> Quota:
    """The quota, if it covers `planned` more pushes; raises LINE_QUOTA_EXCEEDED or LINE_UNAVAILABLE."""
    if not brand.line_channel_access_token:
        raise ReferralError(Code.LINE_UNAVAILABLE, "This brand has no LINE channel access token.")
    try:
        quota = await line.quota(access_token=brand.line_channel_access_token)
    except LineUnavailable:
        raise ReferralError(Code.LINE_UNAVAILABLE, "LINE did not answer; please try again.") from None
    if quota.left is not None and planned > quota.left:
        raise ReferralError(
            Code.LINE_QUOTA_EXCEEDED,
            f"This send needs {planned:,} LINE messages; the plan allows {quota.left:,} more this month.",
        )
    return quota
