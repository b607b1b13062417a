"""The HQ console in a real browser at scale (PostgreSQL): bench.insight's load (100,000 members,
1,000,000 touches over two years), the pre-computed tables refreshed, `scrm serve`, and Debian's
chromium driven by Playwright signing in as HQ. Each page is timed in the browser: from the request
to the page drawn (the console writes it on the page: data-render-ms), opened from the menu, and
once cold (a fresh tab: the page loaded, its script parsed, then drawn; from navigation start).

python -m bench.console [--members 100000] [--touches 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from playwright.async_api import Page, async_playwright
from tortoise import Tortoise

from bench.insight import ZONE, load
from bench.scratch_db import scratch_database
from foundation import global_ids
from foundation.auth.passwords import hash_password
from insight import cohorts, snapshot
from server.db import tortoise_config
from server.migrate import migrate

SCRM = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "scrm")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "bench console password"
PAGES = [
    ("dashboard, last 30 days", "dashboard?days=30"),
    ("dashboard, last 365 days", "dashboard?days=365"),
    ("attribution by store, 30 days", "attribution?by=STORE&days=30"),
    ("attribution by guide, 365 days", "attribution?by=GUIDE&days=365"),
    ("attribution by channel, 365 days", "attribution?by=CHANNEL&days=365"),
    ("reports: funnel, 12 cohorts, leaderboard", "reports"),
    ("members, first page", "members"),
    ("a member: profile, timeline, referral tree", f"members?id={global_ids.encode('Member', 600)}"),
    ("code batches", "batches"),
    ("programme: campaigns, coupons, events, broadcasts", "programme"),
    ("segments: the builder and the saved ones", "segments"),
    ("broadcasts: the form and the list", "broadcasts"),
    ("fraud signals, 30 days", "signals?days=30"),
    ("fraud signals, 7 days", "signals?days=7"),
]

# The fraud signals read claims, coupons and fingerprints, which bench.insight's load (touches only)
# has none of: one claim per purchase and one written-off coupon per write-off, as the touches say;
# fifty members claiming twelve cans half a minute apart three days ago; one guide writing off far
# more than the others; a device fingerprint per member, and twenty inviter-invitee pairs sharing one.
EVIDENCE = [
    "INSERT INTO code_batch (id, brand_id, sku, product_name, quantity, price_cents, points_per_item, key_id,"
    " created_at) VALUES (1, 1, 'BENCH', 'Bench milk', 50000000, 29900, 10, 1, now())",
    "INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, guide_id, store_id, city, points,"
    " diverted) SELECT 1, 1, row_number() OVER (ORDER BY id), member_id, occurred_at, guide_id, store_id,"
    " 'Shanghai', 10, false FROM touch WHERE kind = 'purchase'",
    "INSERT INTO claim (brand_id, batch_id, serial, member_id, claimed_at, city, points, diverted)"
    " SELECT 1, 1, 40000000 + m * 100 + n, m * 1000, now() - interval '3 days' + n * interval '30 seconds',"
    " CASE WHEN n % 2 = 0 THEN 'Ningbo' ELSE 'Hangzhou' END, 10, false"
    " FROM generate_series(1, 50) m, generate_series(0, 11) n",
    "INSERT INTO coupon_template (id, brand_id, name, kind, value_cents, valid_days, per_member_limit,"
    " issued_count, store_ids, created_at) VALUES (1, 1, 'Gift can', 'gift', 0, 90, 1000, 0, '[]', now())",
    "INSERT INTO coupon (brand_id, template_id, member_id, code, status, issued_at, expires_at, written_off_at,"
    " written_off_by_id, written_off_store_id, points_cost) SELECT 1, 1, member_id, 'B' || id, 'written_off',"
    " occurred_at, occurred_at + interval '90 days', occurred_at, CASE WHEN id % 10 = 0 THEN 1 ELSE guide_id END,"
    " store_id, 0 FROM touch WHERE kind = 'coupon_written_off'",
    "INSERT INTO member_fingerprint (brand_id, member_id, kind, digest, first_seen_at, last_seen_at)"
    " SELECT 1, id, 'device', md5(id::text), now(), now() FROM member",
    "UPDATE member SET referrer_id = id - 1 WHERE id % 5000 = 1 AND id > 1",
    "INSERT INTO member_fingerprint (brand_id, member_id, kind, digest, first_seen_at, last_seen_at)"
    " SELECT 1, id, 'device', md5('shared' || (id / 5000)), now(), now() FROM member WHERE id % 5000 IN (0, 1)",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def drawn(page: Page, hash_: str) -> int:
    """Opens `hash_` from within the console and returns the milliseconds the console measured."""
    name = hash_.split("?")[0]
    await page.evaluate(f"location.hash = '#/{hash_}'")
    await page.wait_for_selector(f"main[data-ready={name}]", timeout=60_000)
    return int(await page.get_attribute("main", "data-render-ms") or -1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    async with scratch_database(args.admin_url, "scrm_bench_console") as url:
        await migrate(url)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        made = await load(conn, args.members, args.touches, seed=11)
        for statement in EVIDENCE:
            await conn.execute(statement)
        await conn.execute("ANALYZE")
        await conn.execute(
            "INSERT INTO staff_account (id, brand_id, username, password_hash, role, is_active, token_version,"
            " created_at) VALUES (1, 1, 'hq', $1, 'hq', true, 1, $2)",
            hash_password(PASSWORD),
            datetime.now(UTC),
        )
        await conn.close()
        await Tortoise.init(config=tortoise_config(url))
        started = time.perf_counter()
        await snapshot.refresh(brand_id=1, zone=ZoneInfo(ZONE), now=datetime.now(UTC), max_since=cohorts.MAX_SINCE)
        await snapshot.tidy()  # as `scrm refresh-insight` does
        refreshed = time.perf_counter() - started
        await Tortoise.close_connections()
        print(f"loaded {args.members:,} members and {made:,} touches; refreshed the tables in {refreshed:.1f} s")

        port = free_port()
        keep = {k: v for k, v in os.environ.items() if not k.startswith("SCRM_") and k != "DATABASE_URL"}
        env = {**keep, "DATABASE_URL": url, "SCRM_MODE": "development", "SCRM_RATE_LIMITS": "off"}
        server = subprocess.Popen(
            [SCRM, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(f"{base}/console/")
                await page.fill("[data-testid=brand]", "bench")
                await page.fill("[data-testid=username]", "hq")
                await page.fill("[data-testid=password]", PASSWORD)
                await page.click("[data-testid=sign-in-button]")
                await page.wait_for_selector("main[data-ready=dashboard]", timeout=60_000)
                token = await page.evaluate("sessionStorage.getItem('console.token')")
                print(
                    "\n| page | from the menu, ms (median) | min-max | cold, new tab, ms | of which asking and drawing |"
                )
                print("| --- | --- | --- | --- | --- |")
                for name, hash_ in PAGES:
                    times = []
                    for _ in range(args.repeat):
                        await drawn(page, "dashboard?days=7" if hash_.startswith("attribution") else "attribution")
                        times.append(await drawn(page, hash_))
                    cold_page = await context.new_page()  # a tab of its own: the session handed over
                    await cold_page.add_init_script(f"sessionStorage.setItem('console.token', '{token}')")
                    await cold_page.goto(f"{base}/console/#/{hash_}")
                    await cold_page.wait_for_selector(f"main[data-ready={hash_.split('?')[0]}]", timeout=60_000)
                    cold = await cold_page.evaluate("performance.now()")
                    asked = await cold_page.get_attribute("main", "data-render-ms")
                    await cold_page.close()
                    print(
                        f"| {name} | {statistics.median(times):.0f} | {min(times)}-{max(times)} | {cold:.0f} | {asked} |"
                    )
                await browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    asyncio.run(main())
