"""Insight at scale (PostgreSQL): 100,000 members and about 1,000,000 touches over two years; every
HQ report through GraphQL (over ASGI, the real app) read live from the touches and, after
`scrm refresh-insight`'s work, from the pre-computed tables (the snapshot row removed and put back
between rounds, so both read one load), against hand-written SQL over the touches for the same
figures: alternating rounds, medians, and the figure all three must agree on checked each round.

python -m bench.insight [--members 100000] [--touches 1000000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from bench import shops
from bench.hq_app import hq_app, timed
from bench.scratch_db import scratch_database
from insight import cohorts, snapshot
from server.migrate import migrate

NOW = datetime.now(UTC).replace(microsecond=0)
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "苏州"]
ZONE = "Asia/Shanghai"


async def load(conn: asyncpg.Connection, members: int, touches: int, seed: int) -> int:
    rng = random.Random(seed)
    await shops.brand_and_stores(conn, NOW)
    stores, guides = shops.STORES, shops.GUIDES
    rows, registered = [], {}
    for g in range(1, guides + 1):
        rows.append((g, 1, NOW, NOW - timedelta(days=800), f"G{g:09d}", None, None, None, None, None, None, None))
    for n in range(guides + 1, guides + members + 1):
        at = NOW - timedelta(seconds=rng.randint(0, 730 * 86400))
        registered[n] = at
        store = (n % stores) + 1
        rows.append(
            (
                n,
                1,
                at,
                at,
                f"M{n:09d}",
                rng.choice(CITIES + [None]),
                rng.choice(["female", "male", None]),
                date(1975, 1, 1) + timedelta(days=rng.randint(0, 9000)) if rng.random() < 0.8 else None,
                date.today() - timedelta(days=rng.randint(0, 1400)) if rng.random() < 0.7 else None,
                "guide_qr",
                store,
                rng.choice(["zh-Hans", "en", None]),
            )
        )
    await conn.copy_records_to_table(
        "member",
        columns=[
            "id",
            "brand_id",
            "created_at",
            "registered_at",
            "invite_code",
            "city",
            "gender",
            "birthday",
            "baby_birth_date",
            "channel",
            "origin_store_id",
            "locale",
        ],
        records=rows,
    )
    await shops.guides(conn, NOW)
    customers = list(registered)
    touch_rows = []
    for n in customers:  # each registration, credited to a guide of the member's store
        guide = (n % guides) + 1
        touch_rows.append((1, n, "registration", registered[n], guide, (guide - 1) % stores + 1, 0, f"reg:{n}"))
    kinds = ["purchase"] * 70 + ["purchase_reversed"] * 2 + ["coupon_issued"] * 12 + ["coupon_written_off"] * 8
    kinds += ["event_sign_up"] * 5 + ["event_check_in"] * 3
    serial = 0
    while len(touch_rows) < touches:
        n = rng.choice(customers)
        kind = rng.choice(kinds)
        at = registered[n] + timedelta(seconds=rng.randint(0, int((NOW - registered[n]).total_seconds())))
        guide = (n % guides) + 1
        amount = {"purchase": 29_900, "purchase_reversed": -29_900}.get(kind, 0)
        serial += 1
        touch_rows.append((1, n, kind, at, guide, (guide - 1) % stores + 1, amount, f"b:{serial}"))
    await conn.copy_records_to_table(
        "touch",
        columns=["brand_id", "member_id", "kind", "occurred_at", "guide_id", "store_id", "amount_cents", "source"],
        records=touch_rows,
    )
    await conn.execute("ANALYZE")
    return len(touch_rows)


YEAR = (NOW - timedelta(days=365), NOW)
FIRST_COHORT = (NOW - timedelta(days=365)).date().replace(day=1)
PURCHASES = "SUM(CASE WHEN kind = 'purchase' THEN 1 WHEN kind = 'purchase_reversed' THEN -1 ELSE 0 END)"
NET = "SUM(CASE WHEN kind = 'purchase' THEN 1 ELSE -1 END)"

# (name, GraphQL query, variables, the figure it answers, hand-written SQL, the same figure from its rows)
CASES: list[tuple[str, str, dict, Callable[[dict], int], str, Callable[[list], int]]] = [
    (
        "attribution by store, a year",
        "query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: STORE, first: 100) { purchases } }",
        {},
        lambda d: sum(r["purchases"] for r in d["attribution"]),
        f"SELECT store_id, {PURCHASES} AS purchases, SUM(CASE WHEN kind = 'registration' THEN 1 ELSE 0 END) AS new, "
        "SUM(CASE WHEN kind IN ('purchase', 'purchase_reversed') THEN amount_cents ELSE 0 END) AS revenue, "
        "SUM(CASE WHEN kind = 'coupon_written_off' THEN 1 ELSE 0 END) AS written_off FROM touch "
        "WHERE brand_id = 1 AND occurred_at >= $1 AND occurred_at < $2 GROUP BY store_id",
        lambda rows: sum(r["purchases"] for r in rows),
    ),
    (
        "attribution series, a year by day",
        "query($f: DateTime!, $t: DateTime!) { attributionSeries(from: $f, to: $t, grain: DAY) { figures { purchases } } }",
        {},
        lambda d: sum(p["figures"]["purchases"] for p in d["attributionSeries"]),
        f"SELECT date_trunc('day', occurred_at AT TIME ZONE '{ZONE}') AS day, {PURCHASES} AS purchases FROM touch "
        "WHERE brand_id = 1 AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1",
        lambda rows: sum(r["purchases"] for r in rows),
    ),
    (
        "demographics by age band",
        "{ demographics(by: AGE_BAND) { key members buyers } }",
        {},
        lambda d: sum(g["buyers"] for g in d["demographics"]),
        "SELECT CASE WHEN m.birthday IS NULL THEN NULL WHEN age(current_date, m.birthday) >= interval '40 years' "
        "THEN '40' WHEN age(current_date, m.birthday) >= interval '35 years' THEN '35' "
        "WHEN age(current_date, m.birthday) >= interval '30 years' THEN '30' "
        "WHEN age(current_date, m.birthday) >= interval '25 years' THEN '25' ELSE '0' END AS band, COUNT(*) AS members, "
        "COUNT(*) FILTER (WHERE p.n > 0) AS buyers FROM member m LEFT JOIN (SELECT member_id, "
        f"{NET} AS n FROM touch WHERE brand_id = 1 AND kind IN ('purchase', 'purchase_reversed') GROUP BY member_id) p "
        "ON p.member_id = m.id WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL "
        "AND $1::timestamptz < $2 GROUP BY 1",
        lambda rows: sum(r["buyers"] for r in rows),
    ),
    (
        "cohorts, 12 months",
        "query($c: Date!) { cohorts(from: $c, months: 12) { members cells { buyers } } }",
        {"c": FIRST_COHORT.isoformat()},
        lambda d: sum(c["buyers"] for row in d["cohorts"] for c in row["cells"]),
        f"WITH reg AS (SELECT id, date_trunc('month', registered_at AT TIME ZONE '{ZONE}') AS c FROM member "
        f"WHERE brand_id = 1 AND deleted_at IS NULL AND registered_at AT TIME ZONE '{ZONE}' >= $3::date "
        f"AND registered_at AT TIME ZONE '{ZONE}' < $3::date + interval '12 months'), "
        f"buys AS (SELECT t.member_id, date_trunc('month', t.occurred_at AT TIME ZONE '{ZONE}') AS k, {NET} AS n "
        "FROM touch t JOIN reg ON reg.id = t.member_id WHERE t.brand_id = 1 AND t.kind IN ('purchase', "
        "'purchase_reversed') GROUP BY 1, 2) SELECT reg.c, b.k, COUNT(*) FILTER (WHERE b.n > 0) AS buyers "
        "FROM buys b JOIN reg ON reg.id = b.member_id WHERE b.k >= reg.c AND $1::timestamptz < $2 "
        "AND b.k < reg.c + interval '25 months' GROUP BY 1, 2",
        lambda rows: sum(r["buyers"] for r in rows),
    ),
    (
        "repurchase, a year",
        "query($f: DateTime!, $t: DateTime!) { repurchase(from: $f, to: $t) { buyers repeatBuyers meanDaysBetween loyal } }",
        {},
        lambda d: d["repurchase"]["buyers"],
        # The same four figures: buyers, repeat buyers, loyal (3 in the 6 months before the end), mean gap.
        f"WITH p AS (SELECT member_id, {NET} AS n FROM touch WHERE brand_id = 1 AND kind IN ('purchase', "
        "'purchase_reversed') AND occurred_at >= $1 AND occurred_at < $2 GROUP BY member_id), "
        f"l AS (SELECT member_id, {NET} AS n FROM touch WHERE brand_id = 1 AND kind IN ('purchase', "
        "'purchase_reversed') AND occurred_at >= $2 - interval '6 months' AND occurred_at < $2 GROUP BY member_id), "
        "g AS (SELECT EXTRACT(EPOCH FROM occurred_at - LAG(occurred_at) OVER (PARTITION BY member_id "
        "ORDER BY occurred_at)) / 86400 AS d FROM touch WHERE brand_id = 1 AND kind = 'purchase' "
        "AND occurred_at >= $1 AND occurred_at < $2) "
        "SELECT (SELECT COUNT(*) FILTER (WHERE n >= 1) FROM p) AS buyers, (SELECT COUNT(*) FILTER (WHERE n >= 2) "
        "FROM p) AS repeat, (SELECT COUNT(*) FROM l WHERE n >= 3) AS loyal, (SELECT AVG(d) FROM g) AS gap",
        lambda rows: rows[0]["buyers"],
    ),
    (
        "RFM groups, a year",
        "query($f: DateTime!, $t: DateTime!) { rfm(from: $f, to: $t) { name members } }",
        {},
        lambda d: sum(g["members"] for g in d["rfm"]),
        "SELECT COUNT(*) AS members FROM (SELECT member_id, NTILE(5) OVER (ORDER BY last) AS r, "
        "NTILE(5) OVER (ORDER BY n) AS f FROM (SELECT member_id, MAX(occurred_at) AS last, "
        f"{NET} AS n FROM touch WHERE brand_id = 1 AND kind IN ('purchase', 'purchase_reversed') "
        "AND occurred_at >= $1 AND occurred_at < $2 GROUP BY member_id HAVING " + NET + " > 0) b) s",
        lambda rows: rows[0]["members"],
    ),
]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    async with scratch_database(args.admin_url, "scrm_bench_insight") as url:
        await migrate(url)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        # The hand SQL as the reports run theirs: planned for the actual dates each time (after five
        # runs a prepared statement may take a generic plan, several times slower over a time range).
        await conn.execute("SET plan_cache_mode = force_custom_plan")
        started = time.perf_counter()
        made = await load(conn, args.members, args.touches, args.seed)
        print(
            f"loaded {args.members:,} members and {made:,} touches over two years in {time.perf_counter() - started:.1f} s"
        )
        async with hq_app(url, conn, timeout_s=120) as hq:
            started = time.perf_counter()
            made = await snapshot.refresh(brand_id=1, zone=ZoneInfo(ZONE), now=NOW, max_since=cohorts.MAX_SINCE)
            await snapshot.tidy()  # as `scrm refresh-insight` does
            assert made is not None
            print(
                f"refreshed the pre-computed tables ({made.buyers:,} buyers) in {time.perf_counter() - started:.1f} s"
                f" (inside the transaction: {made.took_ms:,} ms; then VACUUM)"
            )
            kept = await conn.fetchrow("SELECT * FROM insight_snapshot WHERE brand_id = 1")

            async def read_live(live: bool) -> None:
                await conn.execute("DELETE FROM insight_snapshot WHERE brand_id = 1")
                if not live:
                    await conn.execute(
                        "INSERT INTO insight_snapshot (id, brand_id, refreshed_at, zone, buyers, took_ms) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
                        *(kept[c] for c in ("id", "brand_id", "refreshed_at", "zone", "buyers", "took_ms")),
                    )

            period = {"f": YEAR[0].isoformat(), "t": YEAR[1].isoformat()}
            print(
                "\n| report | GraphQL live ms | GraphQL pre-computed ms | hand SQL ms | live / hand | "
                "pre-computed / hand | figure (all three) |"
            )
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for name, query, variables, answer, sql, hand_answer in CASES:
                live, pre, hand, figures = [], [], [], set()

                async def gql(query: str = query, variables: dict = variables, answer=answer) -> int:
                    return int(answer(await hq.data(query, {**period, **variables})))

                async def by_hand(sql: str = sql, hand_answer=hand_answer) -> int:
                    params = [YEAR[0], YEAR[1]] + ([FIRST_COHORT] if "$3" in sql else [])
                    return int(hand_answer(await conn.fetch(sql, *params)))

                for _ in range(args.repeat):  # alternating rounds, side by side
                    for is_live, into in ((True, live), (False, pre)):
                        await read_live(is_live)
                        ms, n = await timed(gql)
                        into.append(ms)
                        figures.add(n)
                    ms, n = await timed(by_hand)
                    hand.append(ms)
                    figures.add(n)
                a, b, h = statistics.median(live), statistics.median(pre), statistics.median(hand)
                agree = f"{figures.pop():,}" if len(figures) == 1 else f"DISAGREE {sorted(figures)}"
                print(f"| {name} | {a:.1f} | {b:.1f} | {h:.1f} | {a / h:.2f} | {b / h:.2f} | {agree} |")
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
