"""The journey funnel (referral.services.reports.funnel) with each member's purchases taken from the
pre-computed tables on PostgreSQL: a row per member instead of every touch of the brand (the
funnel's cost at 100,000 members was that pass). Registrations and referrals are read live; the
purchases are as of the refresh, which the answer gives."""

from __future__ import annotations

from datetime import datetime

from insight import snapshot
from insight.members import EVERYONE
from referral.services import reports
from referral.services.profiles import Stage
from referral.sql import Statement


async def funnel(*, brand_id: int, store_id: int | None = None) -> tuple[dict[Stage, int], datetime | None]:
    """The members at each stage, and when the purchases behind it were refreshed (None: live)."""
    taken = await snapshot.current(brand_id, EVERYONE)
    if taken is None:
        return await reports.funnel(brand_id=brand_id, store_id=store_id), None

    def purchases(q: Statement) -> str:
        return f"SELECT member_id, total_net AS n FROM insight_member_purchases WHERE brand_id = {q.p(brand_id)}"

    return await reports.funnel(brand_id=brand_id, store_id=store_id, purchases=purchases), taken.refreshed_at
