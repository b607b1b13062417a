"""Each figure test runs twice on PostgreSQL: reading the touches live, and reading the pre-computed
tables (insight.snapshot) refreshed just before. The figures must be the same to the unit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from insight import cohorts, snapshot

REFRESHED = datetime(2026, 5, 31, 23, 0, tzinfo=UTC)

Reading = Callable[[Brand], Awaitable[datetime | None]]


@pytest.fixture(params=["live", "pre-computed"])
def reading(request: pytest.FixtureRequest, db: str) -> Reading:
    """`await reading(brand)` before the reports: the `as_of` they must then give (None: live)."""
    if request.param == "pre-computed" and db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's; SQLite reads the touches")

    async def ready(brand: Brand) -> datetime | None:
        if request.param == "live":
            return None
        made = await snapshot.refresh(
            brand_id=brand.id, zone=regional.of(brand).zone, now=REFRESHED, max_since=cohorts.MAX_SINCE
        )
        assert made is not None and made.refreshed_at == REFRESHED
        return REFRESHED

    return ready
