"""Launch-day load: a realistic mix through HTTP GraphQL against `scrm serve --workers N` on
PostgreSQL, for a fixed time. Prints throughput, p50/p95/p99 and errors per operation, the
invariant check afterwards, and writes a latency plot.

    python -m bench.load [--seconds 60] [--workers 2] [--concurrency 64] [--members 2000] [--redis]

Creates and drops its own database. The load generator runs on the same machine (aiohttp, one
process), so its CPU is taken from the server's: the figures are for both together.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.claims_http import DATA_KEYS, free_port, start
from bench.load import cpu
from bench.load.mix import WEIGHTS, Mix
from bench.load.report import Sample, plot, table
from bench.load.seed import WECHAT_APPID, WECHAT_SECRET, seed
from bench.scratch_db import scratch_database
from foundation.settings import Settings
from foundation.tenancy import sealing
from server.migrate import migrate
from tests.fakes.upstream import FakeUpstream, ServedFake

SECRET = "load-secret-key-0123456789-abcdefghijklmnop"
SCRM = str(Path(sys.executable).parent / "scrm")


async def run_load(
    base: str, mix: Mix, *, seconds: float, warmup_s: float, concurrency: int, server_pid: int
) -> tuple[list[Sample], list[str]]:
    """The samples of the measured window, and where the CPU went during it."""
    senders = mix.senders()
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    samples: list[Sample] = []
    started = time.perf_counter()
    measure_from, deadline = started + warmup_s, started + warmup_s + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def user(n: int) -> None:
            rng = random.Random(n)
            while (now := time.perf_counter()) < deadline:
                op = rng.choices(names, weights)[0]
                outcome = await senders[op](http, rng)
                if now >= measure_from:
                    samples.append(Sample(op, now - measure_from, (time.perf_counter() - now) * 1000, outcome))

        async def meter() -> tuple[dict[str, float], dict[str, float]]:
            await asyncio.sleep(warmup_s)
            before = cpu.snapshot(server_pid)
            await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
            return before, cpu.snapshot(server_pid)

        (before, after), *_ = await asyncio.gather(meter(), *(user(n) for n in range(concurrency)))
    return samples, cpu.lines(before, after, seconds, len(samples))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--pool", type=int, default=20, help="database connections per worker")
    parser.add_argument("--redis", action="store_true", help="count rate limits in Redis (127.0.0.1:6379/14)")
    parser.add_argument("--report", default="load-report.png")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    async with scratch_database(args.admin_url, "scrm_load") as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SCRM_SECRET_KEY": SECRET,
            "SCRM_MODE": "production",
            "SCRM_DATA_KEYS": DATA_KEYS,
            "SCRM_ITEM_CODE_KEYS": "1:" + "be" * 32,
        }
        settings = Settings.from_env(env)
        sealing.use(settings.data_vault)  # the brand's WeChat secret is sealed as the workers will read it
        fake = FakeUpstream(wechat_apps={WECHAT_APPID: WECHAT_SECRET})
        log = tempfile.NamedTemporaryFile(prefix="scrm-load-", suffix=".log", delete=False)
        server = None
        try:
            t0 = time.perf_counter()
            await migrate(url)
            seeded = await seed(url, settings, members_n=args.members)
            print(
                f"seeded {args.members:,} members, {len(seeded.guide_tokens)} guides in {time.perf_counter() - t0:.0f} s"
            )
            with ServedFake(fake):
                port = free_port()
                server_env = {
                    **env,
                    "DATABASE_URL": f"{url}?minsize=2&maxsize={args.pool}",
                    "SCRM_WECHAT_API_BASE_URL": fake.base_url,
                    # All load comes from one address: the per-IP limits would stop it at once. Per member,
                    # a little above the default, since 2,000 members here stand for a city's worth.
                    "SCRM_RATE_LIMITS": "scan.ip=10000000/60,sign-in.ip=10000000/60,scan.member=120/60",
                    **({"REDIS_URL": "redis://127.0.0.1:6379/14"} if args.redis else {}),
                }
                server = start(
                    [SCRM, "serve", "--port", str(port), "--workers", str(args.workers)], server_env, port, stderr=log
                )
                key = settings.item_keyring.key(seeded.key_id)
                assert key is not None
                mix = Mix(seeded, key, fake.wechat_code)
                samples, cpu_use = await run_load(
                    f"http://127.0.0.1:{port}",
                    mix,
                    seconds=args.seconds,
                    warmup_s=args.warmup,
                    concurrency=args.concurrency,
                    server_pid=server.pid,
                )
            heading = (
                f"{args.seconds:.0f} s after {args.warmup:.0f} s warm-up; {args.concurrency} concurrent clients; "
                f"scrm serve --workers {args.workers} on PostgreSQL; rate limits in "
                f"{'Redis' if args.redis else 'process'}; {os.cpu_count()} CPUs shared with the load generator"
            )
            print(heading)
            print(table(samples, args.seconds))
            print("CPU during the measured window:", *cpu_use, sep="\n")
            plot(samples, args.seconds, Path(args.report), heading)
            print(f"latency plot: {args.report}")
            checked = subprocess.run(
                [SCRM, "check-invariants"], env={**env, "DATABASE_URL": url}, capture_output=True, text=True
            )
            print(
                f"scrm check-invariants: {checked.stdout.strip().splitlines()[-1] if checked.stdout else checked.stderr}"
            )
            errors = sum(s.outcome == "error" for s in samples)
            if errors:
                print(f"{errors} errors; server log: {log.name}")
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=20)


if __name__ == "__main__":
    asyncio.run(main())
