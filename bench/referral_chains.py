"""Referral chains and attribution at scale: GraphQL over HTTP against hand-written SQL, same run.

python -m bench.referral_chains [--members 100000] [--guides 1000] [--stores 50] [--depth 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from starlette.datastructures import Secret

from foundation.auth import tokens
from foundation.auth.passwords import hash_password
from foundation.settings import Mode, Settings
from referral.services import chains, reports
from schema import ids
from server.app import create_app
from server.migrate import migrate

MONTH = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


async def load(conn: asyncpg.Connection, *, members: int, guides: int, stores: int, depth: int, seed: int) -> dict:
    """Bulk-load one brand with COPY; returns the ids the timed queries need."""
    rng = random.Random(seed)
    now = MONTH[0] + timedelta(days=1)
    await conn.execute("INSERT INTO brand (id, slug, name, created_at) VALUES (1, 'bench', 'Bench', $1)", now)
    await conn.copy_records_to_table(
        "store",
        columns=["id", "brand_id", "code", "name", "is_active", "created_at"],
        records=[(i, 1, f"S{i}", f"Store {i}", True, now) for i in range(1, stores + 1)],
    )
    # Guides are members too: ids 1..guides are the guides' own member rows.
    member_rows, guide_rows, touch_rows = [], [], []
    for g in range(1, guides + 1):
        member_rows.append((g, 1, now, None, f"MG{g:09d}", None, None, None, None, None))
        guide_rows.append((g, 1, g, rng.randint(1, stores), "guide", "active", f"GG{g:09d}", now, now))
    depth_of: dict[int, int] = {}
    guide_of: dict[int, int] = {}
    can_invite: list[int] = []  # members above the depth limit, any of whom may bring a friend
    first_customer = guides + 1
    for n in range(members):
        mid = first_customer + n
        registered = MONTH[0] + timedelta(seconds=rng.randint(0, 29 * 86400))
        if n < depth:  # one chain that surely reaches the full depth
            parent = None if n == 0 else mid - 1
        elif rng.random() < 0.3 or not can_invite:
            parent = None
        else:
            parent = rng.choice(can_invite)
        if parent is None:
            guide = rng.randint(1, guides) if n else 1
            depth_of[mid] = 1
        else:
            guide = guide_of[parent]
            depth_of[mid] = depth_of[parent] + 1
        guide_of[mid] = guide
        if depth_of[mid] < depth:
            can_invite.append(mid)
        store = guide_rows[guide - 1][3]
        channel = "guide_qr" if parent is None else "member_invite"
        member_rows.append((mid, 1, registered, registered, f"M{mid:010d}", channel, parent, guide, store, guide))
        touch_rows.append((1, mid, "registration", registered, guide, store, channel, 0, parent))
        for _ in range(rng.choice((0, 1, 1, 2))):
            touch_rows.append(
                (
                    1,
                    mid,
                    "purchase",
                    registered + timedelta(hours=rng.randint(1, 48)),
                    guide,
                    store,
                    None,
                    rng.choice((19_900, 29_900, 45_900)),
                    None,
                )
            )
    # Order matters for the foreign keys: the guides' own member rows, the guides, then customers.
    member_columns = [
        "id",
        "brand_id",
        "created_at",
        "registered_at",
        "invite_code",
        "channel",
        "referrer_id",
        "origin_guide_id",
        "origin_store_id",
        "guide_id",
    ]
    await conn.copy_records_to_table("member", records=member_rows[:guides], columns=member_columns)
    await conn.copy_records_to_table(
        "guide",
        records=guide_rows,
        columns=[
            "id",
            "brand_id",
            "member_id",
            "store_id",
            "role",
            "status",
            "invite_code",
            "created_at",
            "approved_at",
        ],
    )
    await conn.copy_records_to_table("member", records=member_rows[guides:], columns=member_columns)
    await conn.copy_records_to_table(
        "touch",
        records=touch_rows,
        columns=[
            "brand_id",
            "member_id",
            "kind",
            "occurred_at",
            "guide_id",
            "store_id",
            "channel",
            "amount_cents",
            "other_member_id",
        ],
    )
    for table in ("member", "guide", "store", "brand"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    await conn.execute(
        "INSERT INTO staff_account (brand_id, username, password_hash, role, is_active, token_version, created_at) "
        "VALUES (1, 'hq', $1, 'hq', true, 1, $2)",
        hash_password("bench-password-123"),
        now,
    )
    await conn.execute("ANALYZE")
    deepest = max(depth_of, key=lambda m: (depth_of[m], -m))
    sizes: dict[int, int] = {}
    for mid in depth_of:
        sizes[guide_of[mid]] = sizes.get(guide_of[mid], 0) + 1
    ranked = sorted(sizes, key=lambda g: (sizes[g], g))
    busiest, typical = ranked[-1], ranked[len(ranked) // 2]
    return {
        "deepest": deepest,
        "depth": depth_of[deepest],
        "busiest": busiest,
        "busiest_size": sizes[busiest],
        "typical": typical,
        "typical_size": sizes[typical],
        "touches": len(touch_rows),
    }


# The service's own statements, bound by hand for brand 1: the comparison is GraphQL and the ORM
# against the same SQL, and a copy would drift from what the service runs.
SQL_ANCESTORS = chains._ANCESTORS.format(p1="$1", p2="1", max_depth=chains.MAX_DEPTH)
SQL_DESCENDANTS = chains._DESCENDANTS.format(
    seed=chains._GUIDE_SEED.format(p1="$1"), p2="1", p3="100", p4="0", max_depth=chains.MAX_DEPTH
)
SQL_ATTRIBUTION = f"""
SELECT t.guide_id AS key, {reports._FIGURES}
FROM touch t WHERE t.brand_id = 1 AND t.occurred_at >= $1 AND t.occurred_at < $2
GROUP BY t.guide_id ORDER BY (t.guide_id) IS NULL, t.guide_id LIMIT 100"""

GQL_ANCESTORS = "query($m: ID!) { ancestors(memberId: $m) { depth member { id displayName } } }"
GQL_DESCENDANTS = (
    "query($g: ID!) { descendants(guideId: $g, first: 100) { total links { depth member { id displayName } } } }"
)
GQL_ATTRIBUTION = """query($f: DateTime!, $t: DateTime!) {
  attribution(from: $f, to: $t, by: GUIDE, first: 100) { key newMembers purchases revenueCents } }"""


async def timed(fn: Callable[[], Awaitable[int]], repeat: int) -> tuple[float, int]:
    size = await fn()  # warm caches (plans, prepared statements, the GraphQL parser)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), size


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--guides", type=int, default=1_000)
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"scrm_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = args.admin_url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        await migrate(url.replace("postgresql://", "postgres://", 1))
        conn = await asyncpg.connect(url)
        started = time.perf_counter()
        facts = await load(
            conn, members=args.members, guides=args.guides, stores=args.stores, depth=args.depth, seed=args.seed
        )
        print(
            f"loaded {args.members:,} members, {args.guides:,} guides, {args.stores} stores, {facts['touches']:,} touches "
            f"in {time.perf_counter() - started:.1f} s; deepest chain {facts['depth']}"
        )

        settings = Settings(
            mode=Mode.PRODUCTION,
            database_url=url.replace("postgresql://", "postgres://", 1) + "?minsize=1&maxsize=4",
            secret_key=Secret(SECRET),
            graphiql=False,
            introspection=False,
        )
        token = tokens.issue(secret=SECRET, brand_id=1, kind="staff", principal_id=1, ttl_s=3600)[0]
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http,
        ):

            async def gql(query: str, variables: dict, field: str) -> int:
                response = await http.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"authorization": f"Bearer {token}"},
                )
                body = response.json()
                assert response.status_code == 200 and "errors" not in body, body
                data = body["data"][field]
                if isinstance(data, dict):
                    return len(data["links"]) if "links" in data else 1
                return len(data)

            async def sql(query: str, *params: object) -> int:
                return len(await conn.fetch(query, *params))

            async def sql_planned(query: str, *params: object) -> int:
                # The same planning the service uses for reports (see referral/services/reports.py).
                async with conn.transaction():
                    await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                    return len(await conn.fetch(query, *params))

            cases = [
                (
                    "ancestor chain of the deepest member",
                    lambda: gql(GQL_ANCESTORS, {"m": ids.encode("Member", facts["deepest"])}, "ancestors"),
                    lambda: sql(SQL_ANCESTORS, facts["deepest"]),
                ),
                (
                    f"descendants of a typical guide ({facts['typical_size']}), first 100",
                    lambda: gql(GQL_DESCENDANTS, {"g": ids.encode("Guide", facts["typical"])}, "descendants"),
                    lambda: sql(SQL_DESCENDANTS, facts["typical"]),
                ),
                (
                    f"descendants of the busiest guide ({facts['busiest_size']}), first 100",
                    lambda: gql(GQL_DESCENDANTS, {"g": ids.encode("Guide", facts["busiest"])}, "descendants"),
                    lambda: sql(SQL_DESCENDANTS, facts["busiest"]),
                ),
                (
                    "trivial authenticated query { me { roles } }",
                    lambda: gql("{ me { roles } }", {}, "me"),
                    lambda: sql("SELECT id, role FROM staff_account WHERE id = 1"),
                ),
                (
                    "per-guide attribution, one month (first 100 guides)",
                    lambda: gql(GQL_ATTRIBUTION, {"f": MONTH[0].isoformat(), "t": MONTH[1].isoformat()}, "attribution"),
                    lambda: sql_planned(SQL_ATTRIBUTION, *MONTH),
                ),
            ]
            print(f"\n{'query':<56} {'rows':>5} {'GraphQL ms':>11} {'SQL ms':>8} {'ratio':>6}")
            for label, via_graphql, via_sql in cases:
                g_ms, g_rows = await timed(via_graphql, args.repeat)
                s_ms, s_rows = await timed(via_sql, args.repeat)
                assert g_rows == s_rows, (label, g_rows, s_rows)
                print(f"{label:<56} {g_rows:>5} {g_ms:>11.2f} {s_ms:>8.2f} {g_ms / s_ms:>6.2f}")
            print(
                f"\nmedians of {args.repeat} runs; GraphQL = HTTP request through the ASGI app (auth, parse, "
                "validate, resolve, serialise); SQL = asyncpg, same rows."
            )
        await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
