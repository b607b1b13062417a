"""Every domain's invariants, for `scrm check-invariants` and the fault tests."""

from __future__ import annotations

from events.services import invariants as events
from loyalty.services import invariants as loyalty
from referral.services import invariants as referral


async def violations() -> list[str]:
    return await loyalty.violations() + await events.violations() + await referral.violations()
