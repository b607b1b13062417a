"""Where a GraphQL claim's CPU goes: one uvicorn worker on PostgreSQL claiming fresh codes for the
reference case's brand (three campaigns) under `--concurrency` clients, sampled by py-spy for
`--seconds`, each sample put down to the innermost frame of a known layer (what the CPU was doing
itself: asyncpg's protocol, tortoise, GraphQL's parse/validate/execute, the HTTP server, our own
modules by package, JSON, logging, metrics, waiting), plus the share of samples inside each of our
per-request layers (session check, permissions, rate limits, request log, metrics). Also the
worker's CPU per claim, read from /proc.

    python -m bench.claim_profile [--seconds 20] [--concurrency 16] [--members 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from itertools import count
from pathlib import Path

import aiohttp

from bench.claims_http import PRODUCTION, drive, free_port, graphql_claim, seed, start
from bench.scratch_db import scratch_database
from foundation.settings import Settings
from loyalty import item_codes
from server.migrate import migrate

# py-spy names a frame `function (package/module.py:line)`. The innermost frame whose file matches
# decides (first rule that matches, from the leaf up).
SELF = [
    ("waiting (event loop idle)", r"selectors\.py|base_events\.py.*_run_once"),
    ("asyncpg", r"[(/]asyncpg/"),
    ("tortoise ORM", r"[(/]tortoise/|[(/]pypika"),
    ("GraphQL (strawberry, graphql-core)", r"[(/]strawberry/|[(/]graphql/"),
    ("HTTP (uvicorn, starlette, h11/httptools)", r"[(/]uvicorn/|[(/]starlette/|[(/]h11/|[(/]httptools/"),
    ("JSON", r"[(/]json/|orjson"),
    ("logging", r"[(/]logging/|structlog|pythonjsonlogger"),
    ("metrics (prometheus_client)", r"[(/]prometheus_client/"),
    ("ours: loyalty", r"[(/]loyalty/"),
    ("ours: referral", r"[(/]referral/"),
    ("ours: schema", r"[(/]schema/"),
    ("ours: server", r"[(/]server/"),
    ("ours: foundation, access", r"[(/]foundation/|[(/]access/"),
    ("asyncio (tasks, futures)", r"[(/]asyncio/"),
]
# Inclusive: samples with any frame in these. An undercount: asyncpg reads its answers in the event
# loop's callbacks, outside the coroutine that awaits them, so the first table is the one to trust.
LAYERS = [
    ("session check (access.sessions)", r"access/sessions\.py"),
    ("permission classes (schema.permissions)", r"schema/permissions\.py"),
    ("rate limits (foundation.ratelimit)", r"foundation/ratelimit\.py"),
    ("metrics (foundation.metrics)", r"foundation/metrics\.py"),
    ("the claim service (loyalty.services.claims)", r"loyalty/services/claims\.py"),
    ("campaign rules (loyalty.services.campaigns)", r"loyalty/services/campaigns\.py"),
    ("parse and validate (graphql-core)", r"graphql/(language|validation)/"),
    ("JSON encoding of the answer", r"json/encoder\.py|orjson|dumps"),
]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def breakdown(stacks: Path) -> tuple[int, Counter[str], Counter[str]]:
    total, own, inside = 0, Counter[str](), Counter[str]()
    for line in stacks.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples, frames = int(n), stack.split(";")
        total += samples
        for frame in reversed(frames):
            label = next((name for name, pattern in SELF if re.search(pattern, frame)), None)
            if label:
                own[label] += samples
                break
        else:
            own["other (interpreter, stdlib)"] += samples
        for name, pattern in LAYERS:
            if any(re.search(pattern, frame) for frame in frames):
                inside[name] += samples
    return total, own, inside


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    async with scratch_database(args.admin_url, "scrm_bench_profile") as url:
        await migrate(url)
        keyring = Settings.from_env({"DATABASE_URL": url, **PRODUCTION}).item_keyring
        member_tokens, batch_id, key_id = await seed(url, args.members, "campaigns", True)
        key = keyring.key(key_id)
        assert key is not None
        serials, turn = count(), count()
        env = {
            **os.environ,
            "DATABASE_URL": f"{url}?minsize=2&maxsize=10",
            **PRODUCTION,
            "SCRM_RATE_LIMITS": "scan.member=1000000/60,scan.ip=1000000/60",
        }
        port = free_port()
        uvicorn = str(Path(sys.executable).parent / "uvicorn")
        server = start(
            [uvicorn, "--factory", "server.app:create_app", "--port", str(port), "--log-level", "warning",
             "--no-access-log"],
            env,
            port,
        )  # fmt: skip

        async def send(http: aiohttp.ClientSession) -> bool:
            code = item_codes.encode(key, key_id, batch_id, next(serials))
            return await graphql_claim(http, code, member_tokens[next(turn) % len(member_tokens)])

        base = f"http://127.0.0.1:{port}"
        try:
            await drive(base, send, 3, args.concurrency)  # warm: plans, caches, pools
            out = Path(tempfile.mkdtemp(prefix="scrm-profile-")) / "stacks.txt"
            spy_run = subprocess.Popen(
                [spy, "record", "--pid", str(server.pid), "--duration", str(int(args.seconds)), "--rate",
                 str(args.rate), "--format", "raw", "--output", str(out), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            ticks = cpu_ticks(server.pid)
            ok, failed, _ = await drive(base, send, args.seconds, args.concurrency)
            used = cpu_ticks(server.pid) - ticks
            spy_run.wait(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=10)
    total, own, inside = breakdown(out)
    per_claim = used / os.sysconf("SC_CLK_TCK") * 1000 / max(ok, 1)
    print(f"{ok:,} claims in {args.seconds:.0f} s ({ok / args.seconds:.0f}/s, {failed} failed), "
          f"{args.concurrency} clients; the worker used {per_claim:.2f} ms of CPU per claim; "
          f"{total:,} samples")  # fmt: skip
    print("\n| where the worker was (innermost known frame) | share of samples | ms per claim |")
    print("| --- | --- | --- |")
    busy = total - own["waiting (event loop idle)"]
    for name, n in own.most_common():
        share = n / total
        ms = "" if name.startswith("waiting") else f"{n / max(busy, 1) * per_claim:.2f}"
        print(f"| {name} | {share:.1%} | {ms} |")
    print("\n| inside our layer (inclusive) | share of samples | ms per claim |")
    print("| --- | --- | --- |")
    for name, _ in LAYERS:
        print(f"| {name} | {inside[name] / total:.1%} | {inside[name] / max(busy, 1) * per_claim:.2f} |")


if __name__ == "__main__":
    asyncio.run(main())
