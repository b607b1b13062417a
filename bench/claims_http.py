"""Scan claims per second through HTTP GraphQL on PostgreSQL, next to a bare starlette + asyncpg
endpoint doing the same claim (bench/bare_claim.py), in the same run, under the same load.

    python -m bench.claims_http [--seconds 15] [--concurrency 16] [--members 500] [--rounds 2]

Both servers are real uvicorn processes with one worker and a pool of 10 connections; the load
generator (aiohttp, in this process) sends each member's claims of fresh codes, so every request is
a winning claim. Two brands share the database:
- "plain" runs no campaign: its GraphQL claim and the bare route make the same changes (claim row,
  points, ledger line, purchase touch) after the same session check. This pair is the target's
  ratio: what GraphQL, the ORM and our layers cost over hand-written SQL for the same claim.
- "campaigns" runs the reference case's three rules (BOGO gift on a first purchase through a
  guide, member-gets-member points, a bonus every 5th can): the same GraphQL claim doing more work,
  which the bare route does not do. Its ratio to the bare route is printed too.
- "bare, one statement" makes the plain claim's changes in one statement (data-modifying CTEs,
  bench/bare_claim.py): one round trip per claim, the reference the GraphQL claim with the three
  campaigns is held to (0.7x or more).
- "bare, claim function, 3 c." calls the service's own loyalty_claim() for the campaigns brand from
  the bare route: the GraphQL claim with every layer above the database taken away. The target's
  ratio is printed as the product of two: what the layers cost (GraphQL / this), and what the
  rules cost the database (this / one statement).
- "bare, { me } by hand" answers `{ me { roles } }` with the same session read and no GraphQL: the
  GraphQL `{ me }` over it is what the layers cost the cheapest signed-in request, a floor for the
  first factor.
Rounds alternate the paths so drift on a shared machine hits all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
from tortoise import Tortoise

from bench.load import cpu
from bench.scratch_db import scratch_database
from foundation.auth import tokens
from foundation.settings import Settings
from foundation.tenancy import service as brands
from loyalty import item_codes
from loyalty.models import Beneficiary, CouponKind
from loyalty.services import batches, campaigns, coupons
from referral.models import IdentityProvider
from referral.services import guides, members, stores
from server.db import tortoise_config
from server.migrate import migrate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
DATA_KEYS = "YmVuY2gtZGF0YS1rZXktZm9yLXNlYWxpbmctMDAwMDA="  # production mode asks for one
PRODUCTION = {
    "SCRM_SECRET_KEY": SECRET,
    "SCRM_DATA_KEYS": DATA_KEYS,
    "SCRM_MODE": "production",
    "SCRM_ITEM_CODE_KEYS": "1:" + "be" * 32,
}
CLAIM = """mutation($c: String!, $k: String) { claimItemCode(code: $c, idempotencyKey: $k) {
  pointsEarned pointsBalance rewards { points coupon { code } } errors { code } } }"""


async def seed(url: str, members_n: int, slug: str, with_campaigns: bool) -> tuple[list[str], int, int]:
    """A brand, a store, a guide, registered members (a third invited by another member), a batch and,
    if asked, the reference campaigns. Returns the members' tokens, the batch id and the key id."""
    settings = Settings.from_env({"DATABASE_URL": url, **PRODUCTION})
    await Tortoise.init(config=tortoise_config(url))
    try:
        brand = await brands.create(slug=slug, name=slug.title())
        store = await stores.create(brand_id=brand.id, code="S1", name="Store 1")
        guide_member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject="guide")
        guide = await guides.appoint(brand_id=brand.id, member_id=guide_member.id, store_id=store.id)
        now = datetime.now(UTC)
        tokens_, registered = [], []
        for i in range(members_n):
            m, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"m{i}")
            code = registered[i // 3].invite_code if i % 3 == 2 and registered else guide.invite_code
            registered.append(await members.register(brand_id=brand.id, member_id=m.id, now=now, code=code))
            tokens_.append(
                tokens.issue(secret=SECRET, brand_id=brand.id, kind="member", principal_id=m.id, ttl_s=7200)[0]
            )
        batch = await batches.create(
            brand_id=brand.id,
            key_id=settings.item_keyring.current,
            sku="MILK-900G",
            product_name="Stage 1",
            quantity=10_000_000,
            price_cents=29_900,
            points_per_item=30,
        )
        if with_campaigns:
            await reference_campaigns(brand.id, now)
        return tokens_, batch.id, batch.key_id
    finally:
        await Tortoise.close_connections()


async def reference_campaigns(brand_id: int, now: datetime) -> None:
    """The reference case's rules: BOGO gift on a first purchase through a guide, member-gets-member
    points for the inviter, and a bonus every 5th can."""
    gift = await coupons.create_template(brand_id=brand_id, name="BOGO", kind=CouponKind.GIFT, valid_days=30)
    year = (now - timedelta(days=1), now + timedelta(days=365))
    for spec in (
        campaigns.CampaignSpec(
            name="BOGO",
            starts_at=year[0],
            ends_at=year[1],
            first_purchase=True,
            via_guide=True,
            coupon_template_id=gift.id,
        ),
        campaigns.CampaignSpec(
            name="MGM",
            starts_at=year[0],
            ends_at=year[1],
            first_purchase=True,
            invited_by_member=True,
            points=200,
            beneficiary=Beneficiary.INVITER,
        ),
        campaigns.CampaignSpec(name="Every 5th", starts_at=year[0], ends_at=year[1], every_nth=5, points=50),
    ):
        await campaigns.create(brand_id=brand_id, spec=spec)


async def graphql_claim(http: aiohttp.ClientSession, code: str, token: str) -> bool:
    """One `claimItemCode` with a fresh idempotency key; whether it won."""
    async with http.post(
        "/graphql",
        json={"query": CLAIM, "variables": {"c": code, "k": uuid.uuid4().hex}},
        headers={"authorization": f"Bearer {token}"},
    ) as response:
        body = await response.json(content_type=None)
        return response.status == 200 and body["data"]["claimItemCode"]["errors"] == []


async def drive(url: str, send, seconds: float, concurrency: int) -> tuple[int, int, list[float]]:
    """Run `concurrency` clients for `seconds`; returns (ok, failed, latencies in ms). aiohttp, not
    httpx: httpx's pool topped out near 600 requests/s here, below what the servers can take."""
    latencies: list[float] = []
    ok = failed = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(url, connector=aiohttp.TCPConnector(limit=concurrency)) as http:

        async def client() -> None:
            nonlocal ok, failed
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                good = await send(http)
                latencies.append((time.perf_counter() - started) * 1000)
                ok, failed = ok + good, failed + (not good)

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return ok, failed, latencies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], port: int, stderr: Any = None) -> subprocess.Popen:
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(f"{args} did not come up")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    async with scratch_database(args.admin_url, "scrm_bench") as url:
        servers: list[subprocess.Popen] = []
        try:
            await migrate(url)
            keyring = Settings.from_env({"DATABASE_URL": url, **PRODUCTION}).item_keyring
            serials, turn = count(), count()

            async def brand(slug: str, with_campaigns: bool) -> Callable[[], tuple[str, str]]:
                """Seeds a brand; returns what hands out its next fresh code and a member's token."""
                member_tokens, batch_id, key_id = await seed(url, args.members, slug, with_campaigns)
                key = keyring.key(key_id)
                assert key is not None
                return lambda: (
                    item_codes.encode(key, key_id, batch_id, next(serials)),
                    member_tokens[next(turn) % len(member_tokens)],
                )

            plain, promoted = await brand("plain", False), await brand("campaigns", True)
            # Every request comes from 127.0.0.1 and each member claims hundreds of cans a minute here:
            # the limits are raised, not switched off, so the GraphQL side still pays for counting.
            env = {
                **os.environ,
                "DATABASE_URL": f"{url}?minsize=2&maxsize=10",
                **PRODUCTION,
                "SCRM_RATE_LIMITS": "scan.member=1000000/60,scan.ip=1000000/60",
            }
            gql_port, bare_port = free_port(), free_port()
            servers.append(
                start(
                    [
                        str(Path(sys.executable).parent / "uvicorn"),
                        "--factory",
                        "server.app:create_app",
                        "--port",
                        str(gql_port),
                        "--workers",
                        str(args.workers),
                        "--log-level",
                        "warning",
                        "--no-access-log",
                    ],
                    env,
                    gql_port,
                )
            )
            servers.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "bench.bare_claim:app",
                        "--port",
                        str(bare_port),
                        "--workers",
                        str(args.workers),
                        "--log-level",
                        "warning",
                        "--no-access-log",
                    ],
                    {**env, "DATABASE_URL": url},
                    bare_port,
                )
            )

            def via_graphql(
                next_claim: Callable[[], tuple[str, str]],
            ) -> Callable[[aiohttp.ClientSession], Awaitable[bool]]:
                async def send(http: aiohttp.ClientSession) -> bool:
                    return await graphql_claim(http, *next_claim())

                return send

            def via_route(
                route: str, next_claim: Callable[[], tuple[str, str]]
            ) -> Callable[[aiohttp.ClientSession], Awaitable[bool]]:
                async def send(http: aiohttp.ClientSession) -> bool:
                    code, token = next_claim()
                    async with http.post(
                        route,
                        json={"code": code, "key": uuid.uuid4().hex},
                        headers={"authorization": f"Bearer {token}"},
                    ) as response:
                        return response.status == 200 and "claimId" in await response.json()

                return send

            async def via_me(http: aiohttp.ClientSession) -> bool:
                _, token = plain()
                async with http.post(
                    "/graphql", json={"query": "{ me { roles } }"}, headers={"authorization": f"Bearer {token}"}
                ) as response:
                    return response.status == 200 and "errors" not in await response.json(content_type=None)

            async def via_bare_me(http: aiohttp.ClientSession) -> bool:
                _, token = plain()
                async with http.post("/me", headers={"authorization": f"Bearer {token}"}) as response:
                    return response.status == 200 and "data" in await response.json()

            graphql_url, bare_url = f"http://127.0.0.1:{gql_port}", f"http://127.0.0.1:{bare_port}"
            gql_pid, bare_pid = servers[0].pid, servers[1].pid
            paths = {
                "GraphQL, no campaign": (graphql_url, via_graphql(plain), gql_pid),
                "bare starlette + asyncpg": (bare_url, via_route("/claim", plain), bare_pid),
                "GraphQL, 3 campaigns": (graphql_url, via_graphql(promoted), gql_pid),
                "bare, one statement": (bare_url, via_route("/claim-in-one-statement", plain), bare_pid),
                "bare, claim function, 3 c.": (bare_url, via_route("/claim-by-function", promoted), bare_pid),
                "GraphQL { me { roles } }": (graphql_url, via_me, gql_pid),
                "bare, { me } by hand": (bare_url, via_bare_me, bare_pid),
            }
            results: dict[str, list[tuple[int, int, list[float]]]] = {label: [] for label in paths}
            # CPU seconds each path cost its server's worker(s) and PostgreSQL, read from /proc.
            spent = {label: [0.0, 0.0] for label in paths}
            for _ in range(args.rounds):
                for label, (base, send, pid) in paths.items():
                    before = cpu.snapshot(pid)
                    results[label].append(await drive(base, send, args.seconds, args.concurrency))
                    after = cpu.snapshot(pid)
                    spent[label][0] += after["server workers"] - before["server workers"]
                    spent[label][1] += after["PostgreSQL"] - before["PostgreSQL"]

            print(
                f"\n{'path':<26} {'claims/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'failed':>7} "
                f"{'worker CPU ms':>14} {'PG CPU ms':>10}"
            )
            rates = {}
            for label, runs in results.items():
                ok = sum(r[0] for r in runs)
                failed = sum(r[1] for r in runs)
                latencies = sorted(x for r in runs for x in r[2])
                rates[label] = ok / (args.seconds * len(runs))
                p99 = latencies[int(len(latencies) * 0.99) - 1]
                worker, database = (1000 * seconds / max(ok, 1) for seconds in spent[label])
                print(
                    f"{label:<26} {rates[label]:>9.0f} {statistics.median(latencies):>7.1f} {p99:>7.1f} {failed:>7} "
                    f"{worker:>14.2f} {database:>10.2f}"
                )
            print("(CPU per request: the serving worker(s) and every PostgreSQL process, read from /proc)")
            same, bare, promoted_rate, one, function, me, bare_me = rates.values()
            print(
                "({ me } is the floor of any signed-in GraphQL request here: session look-up, parse, validate, serialise;"
                " by hand, the same session read and answer without GraphQL)"
            )
            print(f"\nGraphQL / bare throughput, the same claim: {same / bare:.2f} (target >= 0.50)")
            print(f"GraphQL with the 3 reference campaigns / bare: {promoted_rate / bare:.2f}")
            print(
                f"GraphQL with the 3 reference campaigns / bare in one statement: {promoted_rate / one:.2f}"
                " (target >= 0.70)"
            )
            print(
                f"  = GraphQL with the 3 campaigns / the same claim function called bare {promoted_rate / function:.2f}"
                f" x that bare call / bare in one statement {function / one:.2f}"
            )
            print(f"  (the layers' floor: GraphQL {{ me }} / the same by hand {me / bare_me:.2f})")
            # A saturated machine spends 1/rate of itself per request, and costs add: the claim function
            # called bare, plus what the layers cost the cheapest signed-in request, bounds the GraphQL
            # claim from above (its layers also run a mutation, arguments, a payload and a rate limit).
            bound = 1 / (1 / function + 1 / me - 1 / bare_me)
            print(
                f"  (were the layers to cost the claim no more than they cost {{ me }}: {bound:.0f}/s,"
                f" {bound / one:.2f} of one statement)"
            )
            print(
                f"{args.rounds} alternating rounds of {args.seconds:.0f} s, {args.concurrency} concurrent clients, "
                f"{args.workers} uvicorn worker(s) each, PostgreSQL"
            )
            conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            claims_n = await conn.fetchval("SELECT COUNT(*) FROM claim")
            rewards_n = await conn.fetchval("SELECT COUNT(*) FROM reward")
            await conn.close()
            print(f"database afterwards: {claims_n:,} claims, {rewards_n:,} campaign rewards")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
