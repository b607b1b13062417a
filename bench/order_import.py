"""Order imports at scale (PostgreSQL): 100,000 members, then a CSV of 100,000 orders (1-3 lines each)
imported by the real command, `scrm import-orders`, as HQ runs it: 60% of the orders name a member
by code, 15% by a verified phone, 10% by unionid, 15% by a phone nobody verified (they wait). Then
the same file again (every order a duplicate), and `scrm match-orders` after 5,000 of the waiting
members verify their phones. Wall-clock times of the whole commands, start-up included.

python -m bench.order_import [--orders 100000] [--members 100000] [--purchase-campaign]

--purchase-campaign runs a purchase campaign during the imports (first purchase: 20 points), which
is evaluated order by order.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from tortoise import Tortoise

from bench import shops
from bench.scratch_db import scratch_database
from loyalty.models import ImportedOrder, PointsAccount, Trigger
from loyalty.services import batches, campaigns
from referral.models import Touch
from server.db import tortoise_config
from server.migrate import migrate

NOW = datetime.now(UTC).replace(microsecond=0)
SKUS = [f"SKU-{n:02d}" for n in range(20)]
SCRM = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "scrm")


async def load(conn: asyncpg.Connection, members: int, seed: int) -> None:
    rng = random.Random(seed)
    await shops.brand_and_stores(conn, NOW)
    stores, guides = shops.STORES, shops.GUIDES
    people = range(guides + 1, guides + members + 1)
    rows = [(g, 1, NOW, NOW - timedelta(days=800), f"G{g:09d}", None, None) for g in range(1, guides + 1)]
    for n in people:
        verified = NOW - timedelta(days=1) if n % 100 < 75 else None
        rows.append((n, 1, NOW, NOW - timedelta(days=rng.randint(30, 700)), f"M{n:09d}", _phone(n), verified))
    await conn.copy_records_to_table(
        "member",
        columns=["id", "brand_id", "created_at", "registered_at", "invite_code", "phone", "phone_verified_at"],
        records=rows,
    )
    await shops.guides(conn, NOW)
    await conn.copy_records_to_table(
        "guide_binding",
        columns=["brand_id", "member_id", "guide_id", "store_id", "started_at", "reason"],
        records=[
            (1, n, n % guides + 1, n % guides % stores + 1, NOW - timedelta(days=900), "registration") for n in people
        ],
    )
    await conn.copy_records_to_table(
        "member_identity",
        columns=["brand_id", "member_id", "provider", "subject", "unionid", "created_at"],
        records=[(1, n, "wechat", f"o{n}", f"u{n}", NOW) for n in people],
    )
    await conn.execute("ANALYZE")


def _phone(n: int) -> str:
    return f"+86138{n:08d}"


def write_orders(path: Path, orders: int, members: int, seed: int) -> int:
    rng = random.Random(seed)
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("order_number,ordered_at,sku,quantity,price,store_code,channel,member_code,phone,unionid\n")
        for n in range(orders):
            member = 501 + rng.randrange(members)
            how = rng.random()
            code, phone, unionid = "", "", ""
            if how < 0.60:
                code = f"M{member:09d}"
            elif how < 0.75:
                member = member - member % 100 + rng.randrange(75)  # one who verified
                phone = _phone(member) if member >= 501 else _phone(501)
            elif how < 0.85:
                unionid = f"u{member}"
            else:
                member = member - member % 100 + 75 + rng.randrange(25)  # one who never verified
                phone = _phone(member)
            at = (NOW - timedelta(seconds=rng.randint(0, 365 * 86400))).isoformat()
            store = f"S{rng.randint(1, 50)}" if rng.random() < 0.8 else ""
            for _ in range(rng.choice((1, 1, 2, 3))):
                price = rng.choice(("299.00", "399.00", "159.50"))
                out.write(f"O{n:08d},{at},{rng.choice(SKUS)},{rng.randint(1, 3)},{price},{store},till,")
                out.write(f"{code},{phone},{unionid}\n")
                lines += 1
    return lines


def timed_command(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([SCRM, *args], env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"scrm {args[0]} failed: {done.stderr[-2000:]}")
    return seconds, done.stdout.strip()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--purchase-campaign", action="store_true", help="a purchase campaign runs meanwhile")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    async with scratch_database(args.admin_url, "scrm_bench_orders") as url:
        await migrate(url)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        await load(conn, args.members, args.seed)
        await Tortoise.init(config=tortoise_config(url))
        for sku in SKUS:
            await batches.create(
                brand_id=1, key_id=1, sku=sku, product_name=sku, quantity=1, price_cents=29_900, points_per_item=10
            )
        if args.purchase_campaign:
            spec = campaigns.CampaignSpec(
                name="First purchase",
                starts_at=NOW - timedelta(days=1),
                ends_at=NOW + timedelta(days=30),
                points=20,
                first_purchase=True,
                trigger=Trigger.PURCHASE,
            )
            await campaigns.create(brand_id=1, spec=spec)
        env = {**os.environ, "DATABASE_URL": url}
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "orders.csv"
            lines = write_orders(path, args.orders, args.members, args.seed)
            print(
                f"{args.members:,} members; {args.orders:,} orders in {lines:,} CSV rows ({path.stat().st_size:,} bytes)"
            )
            print("\n| step | seconds | what it did |")
            print("| --- | --- | --- |")
            seconds, said = timed_command(env, "import-orders", str(path), "--brand", "bench")
            print(f"| import-orders, first time | {seconds:.1f} | {said} |")
            seconds, said = timed_command(env, "import-orders", str(path), "--brand", "bench")
            print(f"| import-orders, the same file again | {seconds:.1f} | {said} |")
            await conn.execute(
                "UPDATE member SET phone_verified_at = $1 WHERE id IN (SELECT id FROM member "
                "WHERE phone_verified_at IS NULL AND id > 500 ORDER BY id LIMIT 5000)",
                NOW,
            )
            seconds, said = timed_command(env, "match-orders")
            print(f"| match-orders after 5,000 members verified | {seconds:.1f} | {said} |")
        orders = await ImportedOrder.all().count()
        matched = await ImportedOrder.filter(matched_at__isnull=False).count()
        purchases = await Touch.filter(kind="purchase").count()
        points = sum(await PointsAccount.all().values_list("balance", flat=True))  # type: ignore[arg-type]
        print(f"\nkept {orders:,} orders, {matched:,} matched; {purchases:,} purchase touches; {points:,} points")
        await Tortoise.close_connections()
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
