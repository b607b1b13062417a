"""Reach at scale (PostgreSQL): the GraphQL segment editor's live count against hand-written SQL for
the same members, measured side by side in alternating rounds; then a broadcast to every member
(audience fixed, messages queued) and its delivery to the fake LINE at the configured rate.

python -m bench.reach [--members 100000] [--repeat 15] [--rate 200] [--deliver 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import asyncpg

from bench.hq_app import HQ, hq_app, timed
from bench.scratch_db import scratch_database
from foundation.settings import Settings
from server.migrate import migrate

NOW = datetime.now(UTC)
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "苏州"]
SKUS = ["MILK-1", "MILK-2", "MILK-3", "GOLD-1", "GOLD-2"]


async def load(conn: asyncpg.Connection, members: int, seed: int) -> None:
    rng = random.Random(seed)
    await conn.execute("INSERT INTO brand (id, slug, name, created_at) VALUES (1, 'bench', 'Bench', $1)", NOW)
    await conn.copy_records_to_table(
        "store",
        columns=["id", "brand_id", "code", "name", "is_active", "created_at"],
        records=[(i, 1, f"S{i}", f"Store {i}", True, NOW) for i in range(1, 51)],
    )
    guides = 500
    member_rows = [(g, 1, NOW, NOW, f"G{g:09d}", None, None, None, None, None) for g in range(1, guides + 1)]
    for n in range(guides + 1, guides + members + 1):
        member_rows.append(
            (
                n,
                1,
                NOW,
                NOW - timedelta(days=rng.randint(0, 730)),
                f"M{n:09d}",
                rng.choice(CITIES),
                rng.choice(["female", "male", None]),
                date.today() - timedelta(days=rng.randint(0, 1100)),
                None,
                "guide_qr",
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
            "baby_birth_date",
            "guide_id",
            "channel",
        ],
        records=member_rows,
    )
    await conn.copy_records_to_table(
        "guide",
        columns=["id", "brand_id", "member_id", "store_id", "role", "status", "invite_code", "created_at"],
        records=[(g, 1, g, (g - 1) % 50 + 1, "guide", "active", f"GG{g:08d}", NOW) for g in range(1, guides + 1)],
    )
    # Members point at guides, guides at their own member rows: link customers once both exist.
    await conn.execute("UPDATE member SET guide_id = 1 + (id * 7919) % $1 WHERE id > $1", guides)
    await conn.execute("INSERT INTO tag (id, brand_id, name, created_at) VALUES (1, 1, 'VIC', $1)", NOW)
    customers = range(guides + 1, guides + members + 1)
    await conn.copy_records_to_table(
        "member_tag",
        columns=["brand_id", "member_id", "tag_id", "created_at"],
        records=[(1, m, 1, NOW) for m in customers if rng.random() < 0.1],
    )
    await conn.copy_records_to_table(
        "code_batch",
        columns=[
            "id",
            "brand_id",
            "sku",
            "product_name",
            "quantity",
            "price_cents",
            "points_per_item",
            "key_id",
            "created_at",
        ],
        records=[(i + 1, 1, sku, sku, 10_000_000, 29_900, 30, 1, NOW) for i, sku in enumerate(SKUS)],
    )
    claims, serial = [], 0
    for m in customers:
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4])):
            serial += 1
            claims.append((serial, NOW - timedelta(days=rng.randint(0, 730)), 30, rng.randint(1, 5), 1, m, False))
    await conn.copy_records_to_table(
        "claim",
        columns=["serial", "claimed_at", "points", "batch_id", "brand_id", "member_id", "diverted"],
        records=claims,
    )
    # Each claim's purchase on the timeline (what profiles and value scores read), at the item's price.
    await conn.copy_records_to_table(
        "touch",
        columns=["brand_id", "member_id", "kind", "occurred_at", "amount_cents", "source"],
        records=[(1, c[5], "purchase", c[1], 29_900, f"claim:{c[0]}") for c in claims],
    )
    await conn.copy_records_to_table(
        "points_account",
        columns=["brand_id", "member_id", "balance", "debt", "purchases"],
        records=[(1, m, rng.randint(0, 1000), 0, 0) for m in customers],
    )
    await conn.execute(
        "INSERT INTO coupon_template (id, brand_id, name, kind, value_cents, valid_days, per_member_limit, issued_count,"
        " store_ids, created_at) VALUES (1, 1, 'Gift', 'gift', 0, 30, 1, 0, '[]', $1)",
        NOW,
    )
    await conn.copy_records_to_table(
        "coupon",
        columns=["code", "status", "issued_at", "expires_at", "brand_id", "member_id", "template_id", "points_cost"],
        records=[
            (f"C{m:011d}", "issued", NOW, NOW + timedelta(days=rng.randint(1, 30)), 1, m, 1, 0)
            for m in customers
            if rng.random() < 0.2
        ],
    )
    await conn.execute(
        "INSERT INTO event (id, brand_id, title, description, starts_at, ends_at, signup_opens_at, signup_closes_at,"
        " cancel_deadline, check_in_opens_minutes, capacity, allow_walk_ins, audience, questions, status,"
        " confirmed_count, waitlist_seq, created_at) VALUES (1, 1, 'Yoga', '', $1, $1, $1, $1, $1, 60, 100000,"
        " false, 'all', '[]', 'published', 0, 0, $1)",
        NOW - timedelta(days=10),
    )
    await conn.copy_records_to_table(
        "registration",
        columns=[
            "status",
            "answers",
            "ticket_code",
            "signed_up_at",
            "checked_in_at",
            "walk_in",
            "brand_id",
            "event_id",
            "member_id",
        ],
        records=[
            ("confirmed", "{}", f"T{m}", NOW, NOW if rng.random() < 0.7 else None, False, 1, 1, m)
            for m in customers
            if rng.random() < 0.05
        ],
    )
    await conn.copy_records_to_table(
        "member_identity",
        columns=["provider", "subject", "pushable", "created_at", "brand_id", "member_id"],
        records=[
            (("line" if m % 2 else "wechat"), f"u{m}", (rng.random() < 0.9) if m % 2 else None, NOW, 1, m)
            for m in customers
        ],
    )
    await conn.execute("UPDATE member SET marketing_consent_at = $1 WHERE id > $2", NOW, guides)
    await conn.execute("ANALYZE")


# (name, GraphQL condition, hand-written SQL counting the same members)
CASES: list[tuple[str, dict, str]] = [
    (
        "Shanghai, bought in the last 30 days",
        {"allOf": [{"city": "上海"}, {"bought": {"withinDays": 30}}]},
        "SELECT COUNT(*) FROM member m WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL"
        " AND m.city = '上海' AND m.id IN (SELECT member_id FROM claim WHERE reversed_at IS NULL"
        " AND claimed_at >= now() - interval '30 days')",
    ),
    (
        "lapsed: bought before, nothing for 60 days",
        {"noPurchaseForDays": 60},
        "SELECT COUNT(*) FROM (SELECT c.member_id FROM claim c JOIN member m ON m.id = c.member_id"
        " WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL AND c.reversed_at IS NULL"
        " GROUP BY c.member_id HAVING max(c.claimed_at) < now() - interval '60 days') x",
    ),
    (
        "baby 5-7 months, a LINE friend",
        {"allOf": [{"babyAgeMonths": {"atLeast": 5, "atMost": 7}}, {"lineFriend": True}]},
        "SELECT COUNT(*) FROM member m JOIN member_identity i ON i.member_id = m.id AND i.provider = 'line'"
        " AND (i.pushable IS NULL OR i.pushable) WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL"
        " AND m.deleted_at IS NULL AND m.baby_birth_date > (current_date - interval '8 months')::date"
        " AND m.baby_birth_date <= (current_date - interval '5 months')::date",
    ),
    (
        "VIC tag or 900+ points",
        {"anyOf": [{"tagId": "VGFnOjE="}, {"pointsAtLeast": 900}]},
        "SELECT COUNT(*) FROM member m WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL"
        " AND (m.id IN (SELECT member_id FROM member_tag WHERE tag_id = 1)"
        " OR m.id IN (SELECT member_id FROM points_account WHERE balance >= 900))",
    ),
    (
        "revenue score 1,000+ points",
        {"value": {"score": "REVENUE", "atLeast": 1000}},
        "SELECT COUNT(*) FROM member m WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL"
        " AND m.id IN (SELECT member_id FROM touch WHERE brand_id = 1 AND kind IN ('purchase', 'purchase_reversed')"
        " GROUP BY member_id HAVING SUM(amount_cents) >= 100000)",
    ),
    (
        "attended an event, coupon expiring within 7 days",
        {"allOf": [{"atEvent": {"attended": True}}, {"holdsCoupon": {"expiringWithinDays": 7}}]},
        "SELECT COUNT(DISTINCT m.id) FROM member m JOIN registration r ON r.member_id = m.id"
        " AND r.checked_in_at IS NOT NULL JOIN coupon k ON k.member_id = m.id AND k.status = 'issued'"
        " AND k.expires_at > now() AND k.expires_at <= now() + interval '7 days'"
        " WHERE m.brand_id = 1 AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL",
    ),
]
PREVIEW = "query($c: SegmentCondition!) { segmentPreview(condition: $c, sampleSize: 10) { count } }"
# What the editor shows: the count and the first ten members (a second statement, run alongside).
PREVIEW_SAMPLE = (
    "query($c: SegmentCondition!) { segmentPreview(condition: $c, sampleSize: 10) { count sample { id } } }"
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rate", type=float, default=200.0, help="LINE pushes per second the outbox is set to")
    parser.add_argument("--deliver", type=int, default=2000, help="LINE pushes to time at that rate")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    async with scratch_database(args.admin_url, "scrm_bench_reach") as url:
        await migrate(url)
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        started = time.perf_counter()
        await load(conn, args.members, args.seed)
        print(
            f"loaded {args.members:,} members with claims, tags, points, coupons, events, identities "
            f"in {time.perf_counter() - started:.1f} s"
        )
        async with hq_app(url, conn) as hq:

            async def gql(condition: dict, query: str = PREVIEW) -> int:
                return int((await hq.data(query, {"c": condition}))["segmentPreview"]["count"])

            print("\n| segment | members | GraphQL count ms | hand SQL ms | ratio | GraphQL count + sample ms |")
            print("| --- | --- | --- | --- | --- | --- |")
            for name, condition, sql in CASES:
                ours, hand, sampled, counts = [], [], [], set()
                for _ in range(args.repeat):  # alternating rounds, side by side
                    ms, n = await timed(lambda condition=condition: gql(condition))
                    ours.append(ms)
                    counts.add(n)
                    ms, n = await timed(lambda sql=sql: conn.fetchval(sql))
                    hand.append(ms)
                    counts.add(n)
                    ms, n = await timed(lambda condition=condition: gql(condition, PREVIEW_SAMPLE))
                    sampled.append(ms)
                    counts.add(n)
                assert len(counts) == 1, (name, counts)
                a, b, c = statistics.median(ours), statistics.median(hand), statistics.median(sampled)
                print(f"| {name} | {counts.pop():,} | {a:.1f} | {b:.1f} | {a / b:.2f} | {c:.1f} |")
            await broadcast_figures(hq, args.rate, args.deliver)
        await conn.close()


SAVE = 'mutation($c: SegmentCondition!) { saveSegment(name: "All", condition: $c) { segment { id } errors { code } } }'
CREATE = """mutation($s: ID!) { createBroadcast(input: {name: "News", segmentId: $s, title: "Hi {name}",
  body: "{guide} has news for you. You have {points} points.", holdoutPercent: 10, frequencyCap: 5}) {
  broadcast { id } errors { code message } } }"""


async def broadcast_figures(hq: HQ, rate: float, deliver: int) -> None:
    """Queue a broadcast to every member who agreed to marketing, then time delivery to the fake LINE."""
    from foundation.integrations.clients import open_integrations
    from foundation.tenancy.models import Brand
    from reach import broadcast_queue
    from reach.models import Broadcast, BroadcastRecipient
    from referral.models import Message, MessageChannel
    from server.notifications import Deliverer
    from tests.fakes.upstream import FakeUpstream, ServedFake

    gql = hq.data
    segment = (await gql(SAVE, {"c": {"marketingConsent": True}}))["saveSegment"]["segment"]["id"]
    made = await gql(CREATE, {"s": segment})
    assert made["createBroadcast"]["errors"] == [], made

    brand = await Brand.get(id=1)
    brand.line_channel_access_token = "bench-line-token"
    await brand.save()
    now = datetime.now(UTC)
    started = time.perf_counter()
    audience = await broadcast_queue.fix_audience((await Broadcast.get()).id, now=now)
    fixed = time.perf_counter() - started
    queued = await broadcast_queue.write_messages((await Broadcast.get()).id, now=now, line=None)
    total = time.perf_counter() - started
    recipients = await BroadcastRecipient.filter(queued=True).count()
    print(
        f"\nbroadcast to {audience:,} members (10% held out): audience fixed in {fixed:.2f} s, "
        f"{recipients:,} messages queued (LINE {queued[MessageChannel.LINE]:,}, WeChat "
        f"{queued[MessageChannel.WECHAT]:,}, inbox only {queued[None]:,}) in {total:.2f} s in all"
    )

    # Delivery: the first `deliver` LINE messages, the outbox paced at `rate` a second.
    # Only the first `deliver` LINE messages are due: the figure is LINE's pace, nothing else's.
    first = await Message.filter(channel=MessageChannel.LINE).order_by("id").limit(deliver).values_list("id", flat=True)
    await Message.exclude(id__in=list(first)).update(next_attempt_at=now + timedelta(days=1))
    with ServedFake(FakeUpstream()) as fake:
        fake.line_channel_tokens.add("bench-line-token")
        settings = Settings(line_api_base_url=fake.base_url, wechat_api_base_url=fake.base_url)
        async with open_integrations(settings) as integrations:
            deliverer = Deliverer(integrations, rates={MessageChannel.LINE: rate})
            started = time.perf_counter()
            while len(fake.line_pushed) < deliver and await deliverer.run_once(limit=500):
                pass
            took = time.perf_counter() - started
    print(
        f"delivered {len(fake.line_pushed):,} LINE pushes to the fake in {took:.2f} s: "
        f"{len(fake.line_pushed) / took:.0f}/s against a configured {rate:.0f}/s"
    )


if __name__ == "__main__":
    asyncio.run(main())
