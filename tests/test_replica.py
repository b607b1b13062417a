"""HQ's reports on a PostgreSQL streaming replica (DATABASE_REPLICA_URL): a real primary and replica
(pg_basebackup) of our own. Reports read the replica while it holds every commit up to the
staleness bound ago, the primary when it is behind (replay paused) or down; writes always go to the
primary."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from foundation import replica
from foundation.settings import Settings, SettingsError
from referral.models import TouchKind
from referral.services import members, touches
from server.app import create_app
from server.db import tortoise_config
from server.migrate import migrate
from tests import factories
from tests.streaming_replica import streaming_pair

pytestmark = pytest.mark.slow

STALENESS = 2.0
REPORT = """query($f: DateTime!, $t: DateTime!) {
  attribution(from: $f, to: $t, by: STORE) { key purchases } }"""
BATCH = """mutation { createCodeBatch(input: {sku: "MILK", productName: "Milk", quantity: 5, priceCents: 100,
  pointsPerItem: 1}) { batch { id } errors { code } } }"""


async def test_reports_read_a_fresh_replica_and_writes_the_primary(database: str, settings: Settings) -> None:
    if not database.startswith("postgres"):
        pytest.skip("a streaming replica is PostgreSQL's")
    try:
        await _replica_scenario(settings)
    finally:
        # The app below set up tortoise for its own pair of databases: give the other tests theirs.
        await Tortoise.init(config=tortoise_config(database), _enable_global_fallback=True)


async def _replica_scenario(settings: Settings) -> None:
    with streaming_pair() as pair:
        admin = await asyncpg.connect(pair.primary_url.replace("/scrm", "/postgres"))
        await admin.execute("CREATE DATABASE scrm")
        await admin.close()
        await migrate(pair.primary_url)
        settings = dataclasses.replace(
            settings,
            database_url=pair.primary_url,
            database_replica_url=pair.replica_url,
            replica_staleness_s=STALENESS,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            brand = await factories.brand("acme")
            store = await factories.store(brand, "A", "Store A")
            guide = await factories.guide(brand, store, "amy")
            hq = factories.staff_token(settings, await factories.staff(brand, "hq"))
            mum = await factories.member(brand, "mum")
            await members.register(brand_id=brand.id, member_id=mum.id, now=datetime.now(UTC), code=guide.invite_code)
            start = datetime.now(UTC) - timedelta(days=1)
            period = {"f": start.isoformat(), "t": (start + timedelta(days=2)).isoformat()}

            async def buy() -> None:
                await touches.record(
                    brand_id=brand.id, member_id=mum.id, kind=TouchKind.PURCHASE, at=datetime.now(UTC),
                    guide_id=guide.id, store_id=store.id, amount_cents=100,
                )  # fmt: skip

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://scrm.test") as http:

                async def post(query: str) -> dict:
                    answer = await http.post(
                        "/graphql",
                        json={"query": query, "variables": period},
                        headers={"authorization": f"Bearer {hq}"},
                    )
                    body = answer.json()
                    assert "errors" not in body, body
                    return body["data"]

                async def purchases() -> int:
                    return sum(row["purchases"] for row in (await post(REPORT))["attribution"])

                async def exported() -> int:
                    """The purchases in the attribution CSV export (streamed a page at a time)."""
                    answer = await http.get(
                        "/exports/reports/attribution.csv",
                        params={"from": period["f"], "to": period["t"], "by": "STORE"},
                        headers={"authorization": f"Bearer {hq}"},
                    )
                    assert answer.status_code == 200, answer.text
                    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
                    return sum(int(row["purchases"]) for row in rows)

                standby = await asyncpg.connect(pair.replica_url)
                try:
                    # The replica holds the purchase: read there.
                    await buy()
                    assert await purchases() == 1
                    assert replica.fresh_until() > time.monotonic()
                    # Replay paused, a second purchase: within the bound the report is the replica's
                    # (one purchase: proof it read there), and a write still lands, on the primary.
                    await standby.execute("SELECT pg_wal_replay_pause()")
                    checked = replica.fresh_until() - STALENESS
                    await buy()
                    assert await purchases() == 1
                    assert await exported() == 1
                    assert time.monotonic() - checked < STALENESS
                    made = (await post(BATCH))["createCodeBatch"]
                    assert made["errors"] == [] and made["batch"]["id"]
                    # Past the bound, the replica is behind: the primary answers.
                    await asyncio.sleep(max(0.0, checked + STALENESS - time.monotonic()) + 0.1)
                    assert await purchases() == 2
                    assert await exported() == 2
                    # Replay resumed: back on the replica (a third purchase while paused again is
                    # not seen: it read there).
                    await standby.execute("SELECT pg_wal_replay_resume()")
                    await asyncio.sleep(1.1)  # the failed check's pause
                    assert await purchases() == 2
                    assert replica.fresh_until() > time.monotonic()
                    await standby.execute("SELECT pg_wal_replay_pause()")
                    await buy()
                    assert await purchases() == 2
                finally:
                    await standby.close()
                # The replica stops: the reports still answer, from the primary.
                pair.stop_replica()
                await asyncio.sleep(max(0.0, replica.fresh_until() - time.monotonic()) + 0.1)
                assert await purchases() == 3


def test_a_replica_is_a_postgresql_replica_of_postgresql() -> None:
    with pytest.raises(SettingsError, match="DATABASE_REPLICA_URL"):
        Settings(database_url="sqlite://x.sqlite3", database_replica_url="postgres://h/db").checked()
    with pytest.raises(SettingsError, match="SCRM_REPLICA_STALENESS"):
        Settings(database_url="postgres://h/a", database_replica_url="postgres://h/b", replica_staleness_s=0).checked()
