"""The claim, the write-off and the event sign-up, one round trip against step by step, side by side
at the service level on PostgreSQL (no HTTP, no GraphQL: what each path costs by itself).

    python -m bench.paths [--seconds 10] [--rounds 2] [--concurrency 16]

One process runs `--concurrency` tasks against one pool of 10 connections, for `--seconds` per
path and round, the paths alternating: claims.claim (PostgreSQL's one call of loyalty_claim) and
claims.claim_stepwise for the reference brand's three campaigns, then write_offs.write_off (one
statement) and write_offs.write_off_stepwise, each write-off a fresh coupon with an idempotency
key, then signups.sign_up (one call of events_sign_up under the event's lock) and
signups.sign_up_stepwise: every task signs members up for the same event, 100 places and then the
waitlist, a fresh event once each member has signed up for it (a popular class opening: the
sign-ups queue on the event's row lock), with a sign-up bonus of 20 points running. Last,
members.register (one statement) and register(stepwise=True), fresh members registering, every
other one with a guide's code and the rest with a registered member's (a friend's invite: a
referral touch too). Prints operations per second, latency, and the CPU per operation of this
process and of PostgreSQL (read from /proc), with the statements each path sent.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import count

from tortoise import Tortoise, connections

from bench.claims_http import PRODUCTION, seed
from bench.load import cpu
from bench.scratch_db import scratch_database
from events.services import events, signups
from foundation.settings import Settings
from loyalty import item_codes
from loyalty.models import CouponKind
from loyalty.services import campaigns, claims, coupons, step_rewards, write_offs
from loyalty.triggers import Trigger
from referral import codes
from referral.services import invites, members
from referral.sql import insert_many
from server.db import tortoise_config
from server.migrate import migrate

Operation = Callable[[], Awaitable[None]]


class Statements(logging.Handler):
    """Counts the statements tortoise sends (its debug log names each one)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.n += 1


async def drive(operation: Operation, seconds: float, concurrency: int) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await operation()
            latencies.append(1000 * (time.perf_counter() - started))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    async with scratch_database(args.admin_url, "scrm_bench_paths") as url:
        await migrate(url)
        _, batch_id, key_id = await seed(url, args.members, "campaigns", True)
        settings = Settings.from_env({"DATABASE_URL": url, **PRODUCTION})
        keyring = settings.item_keyring
        key = keyring.key(key_id)
        assert key is not None
        await Tortoise.init(config=tortoise_config(f"{url}?minsize=2&maxsize=10"))
        try:
            conn = connections.get("default")
            brand_id = (await conn.execute_query_dict("SELECT id FROM brand WHERE slug = 'campaigns'"))[0]["id"]
            people = await conn.execute_query_dict(
                "SELECT id FROM member WHERE brand_id = $1 AND registered_at IS NOT NULL ORDER BY id", [brand_id]
            )
            member_ids = [row["id"] for row in people]
            guide = (await conn.execute_query_dict("SELECT id, store_id FROM guide WHERE brand_id = $1", [brand_id]))[0]
            now = datetime.now(UTC)
            template = await coupons.create_template(
                brand_id=brand_id, name="Bench", kind=CouponKind.GIFT, valid_days=30, per_member_limit=1000
            )
            # Enough fresh coupons for every write-off either path may make (inserted, not issued one by one).
            wanted = int(args.rounds * 2 * args.seconds * 2_500)
            fresh = [codes.new(coupons.COUPON_PREFIX, 10) for _ in range(wanted)]
            await insert_many(
                conn,
                "coupon",
                {
                    "brand_id": "int",
                    "template_id": "int",
                    "member_id": "int",
                    "code": "text",
                    "status": "text",
                    "issued_at": "timestamptz",
                    "expires_at": "timestamptz",
                    "points_cost": "int",
                },
                [
                    [
                        brand_id,
                        template.id,
                        member_ids[n % len(member_ids)],
                        code,
                        "issued",
                        now,
                        now + timedelta(30),
                        0,
                    ]
                    for n, code in enumerate(fresh)
                ],
            )
            # Enough events for every sign-up either path may make: each takes every member once.
            start = now + timedelta(days=30)
            spec = events.EventSpec(
                title="Baby yoga", starts_at=start, ends_at=start + timedelta(hours=2), capacity=100, place="Store"
            )
            # A sign-up bonus, as the reference brand runs: 20 points per member and event.
            await campaigns.create(
                brand_id=brand_id,
                spec=campaigns.CampaignSpec(
                    "Sign-up bonus",
                    points=20,
                    trigger=Trigger.EVENT_SIGN_UP,
                    starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=30),
                ),
            )
            classes = []
            for _ in range(int(args.rounds * 2 * args.seconds * 1_500) // len(member_ids) + 1):
                made = await events.create(brand_id=brand_id, store_id=None, spec=spec, now=now)
                await events.publish(brand_id=brand_id, event_id=made.id, store_scope=None, now=now)
                classes.append(made.id)
            # Members signed in, not registered, for every registration either path may make.
            newcomers = [invites.new_member_code() for _ in range(int(args.rounds * 2 * args.seconds * 2_500))]
            await insert_many(
                conn,
                "member",
                {"brand_id": "int", "created_at": "timestamptz", "invite_code": "text"},
                [[brand_id, now, code] for code in newcomers],
            )
            joining = iter(
                row["id"]
                for row in await conn.execute_query_dict(
                    "SELECT id FROM member WHERE brand_id = $1 AND registered_at IS NULL ORDER BY id", [brand_id]
                )
            )
            # A guide's code and a registered member's (a friend's invite).
            [invite] = await conn.execute_query_dict(
                "SELECT (SELECT invite_code FROM guide WHERE id = $1) AS guide, "
                "(SELECT invite_code FROM member WHERE id = $2) AS friend",
                [guide["id"], member_ids[0]],
            )
            serials, turns, unused, places = count(), count(), iter(fresh), count()

            def claimer(claim: Callable[..., Awaitable[claims.ClaimResult]]) -> Operation:
                async def operation() -> None:
                    await claim(
                        keyring=keyring,
                        brand_id=brand_id,
                        member_id=member_ids[next(turns) % len(member_ids)],
                        code=item_codes.encode(key, key_id, batch_id, next(serials)),
                        now=datetime.now(UTC),
                        idempotency_key=uuid.uuid4().hex,
                    )

                return operation

            def writer(write_off: Callable[..., Awaitable[object]]) -> Operation:
                async def operation() -> None:
                    await write_off(
                        brand_id=brand_id,
                        code=next(unused),
                        guide_id=guide["id"],
                        store_id=guide["store_id"],
                        now=datetime.now(UTC),
                        idempotency_key=uuid.uuid4().hex,
                    )

                return operation

            def signer(sign_up: Callable[..., Awaitable[object]]) -> Operation:
                async def operation() -> None:
                    n = next(places)
                    await sign_up(
                        brand_id=brand_id,
                        event_id=classes[n // len(member_ids)],
                        member_id=member_ids[n % len(member_ids)],
                        answers={},
                        now=datetime.now(UTC),
                        on_step=step_rewards.reward,
                    )

                return operation

            def registrar(stepwise: bool) -> Operation:
                async def operation() -> None:
                    member_id = next(joining)
                    await members.register(
                        brand_id=brand_id,
                        member_id=member_id,
                        now=datetime.now(UTC),
                        code=invite["friend"] if member_id % 2 else invite["guide"],
                        stepwise=stepwise,
                    )

                return operation

            paths = {
                "claim, one call (3 campaigns)": claimer(claims.claim),
                "claim, step by step": claimer(claims.claim_stepwise),
                "write-off, one statement": writer(write_offs.write_off),
                "write-off, step by step": writer(write_offs.write_off_stepwise),
                "sign-up, one call": signer(signups.sign_up),
                "sign-up, step by step": signer(signups.sign_up_stepwise),
                "registration, one statement": registrar(False),
                "registration, step by step": registrar(True),
            }
            latencies: dict[str, list[float]] = {label: [] for label in paths}
            spent = {label: [0.0, 0.0] for label in paths}
            for _ in range(args.rounds):
                for label, operation in paths.items():
                    before = cpu.snapshot(0)
                    latencies[label] += await drive(operation, args.seconds, args.concurrency)
                    after = cpu.snapshot(0)
                    mine = "load generator + fake upstream"
                    spent[label][0] += after[mine] - before[mine]
                    spent[label][1] += after["PostgreSQL"] - before["PostgreSQL"]
            # Statements per operation, counted after the timed rounds (logging costs CPU), in steady state.
            sent: dict[str, float] = {}
            log = logging.getLogger("tortoise.db_client")
            for label, operation in paths.items():
                statements = Statements()
                log.addHandler(statements)
                log.setLevel(logging.DEBUG)
                for _ in range(100):
                    await operation()
                log.removeHandler(statements)
                log.setLevel(logging.WARNING)
                sent[label] = statements.n / 100
        finally:
            await Tortoise.close_connections()
    print(
        f"\n{'path':<32} {'per s':>7} {'p50 ms':>7} {'p99 ms':>7} {'statements':>11} {'Python CPU ms':>14} "
        f"{'PG CPU ms':>10}"
    )
    for label, done in latencies.items():
        n = len(done)
        ordered = sorted(done)
        python_s, database_s = spent[label]
        print(
            f"{label:<32} {n / (args.seconds * args.rounds):>7.0f} {statistics.median(ordered):>7.1f} "
            f"{ordered[int(n * 0.99) - 1]:>7.1f} {sent[label]:>11.1f} {1000 * python_s / n:>14.2f} "
            f"{1000 * database_s / n:>10.2f}"
        )
    print(
        f"({args.rounds} alternating rounds of {args.seconds:.0f} s, {args.concurrency} concurrent tasks, one process, "
        "a pool of 10; statements per operation as tortoise logs them, BEGIN and COMMIT not counted)"
    )


if __name__ == "__main__":
    asyncio.run(main())
