"""How long the event loop is held: the normal mix alone, then the normal mix with hostile requests,
side by side in one run, against the real app served by uvicorn in this process.

    python -m bench.loop_hold [--seconds 8] [--rounds 2] [--concurrency 8]

A probe in the server's own event loop sleeps 5 ms over and over and records how late it wakes: a
request that holds the loop (a password hash, a QR image, a heavy validation drawn on the loop)
shows as a late wake-up. The load comes from a separate process (httpx), so generating it does not
hold the loop being measured. SQLite in a scratch folder (the embedded default); target: no hold
over 50 ms.

Normal mix: `{ me }`, a guide's member list, an HQ attribution report.
Hostile mix, added: staff sign-ins with wrong passwords (argon2), a guide asking for 100 members'
invite QR images (refused: 20 per request), documents of 99 fields made unique by a comment (new
text, same parsed document) or by their aliases (a new parsed document each time), and arguments
with NUL, 10,000 characters and 64-bit ids.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime

import uvicorn
from tortoise import Tortoise

from access import staff
from access.models import StaffRole
from foundation.auth import tokens
from foundation.settings import Mode, Settings
from foundation.tenancy import service as brands
from referral.models import IdentityProvider
from referral.services import guides, members, stores
from server.app import create_app
from server.db import tortoise_config
from server.migrate import migrate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
PASSWORD = "bench password 1234"

GENERATOR = textwrap.dedent("""
    import asyncio, itertools, json, os, sys, time, uuid
    import httpx

    base, seconds, concurrency, hostile, tokens = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1", json.loads(sys.argv[5])
    normal = [
        ("{ me { roles } }", {}, tokens["hq"]),
        ("{ myMembers(first: 20) { nodes { id name } } }", {}, tokens["guide"]),
        ('{ attribution(from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z", by: GUIDE) { key newMembers } }', {}, tokens["hq"]),
    ]
    def heavy():
        return "# " + uuid.uuid4().hex + "\\n{ " + " ".join(["__typename"] * 99) + " }"
    def heavy_unique():
        tag = uuid.uuid4().hex[:8]
        return "{ " + " ".join([f"a{tag}{i}: __typename" for i in range(14)] + ["__typename"] * 85) + " }"
    bad = [
        ('mutation { signInStaff(brand: "bench", username: "hq-bench", password: "wrong password!") { token errors { code } } }', {}, None),
        ("{ myMembers(first: 100) { nodes { inviteQr { dataBase64 } } } }", {}, tokens["guide"]),
        ("HEAVY", {}, None),
        ("HEAVY_UNIQUE", {}, None),
        ('{ myMembers(search: "a\\\\u0000b") { nodes { id } } }', {}, tokens["guide"]),
        ("query($s: String) { myMembers(search: $s) { nodes { id } } }", {"s": "x" * 10000}, tokens["guide"]),
        ('{ event(id: "RXZlbnQ6OTk5OTk5OTk5OTk=") { title } }', {}, tokens["hq"]),
    ]
    only = [int(i) for i in os.environ.get("BENCH_HOSTILE_ONLY", "").split(",") if i]
    mix = normal + ([bad[i] for i in only] if only else bad) if hostile else normal
    counts = {"sent": 0, "5xx": 0}

    async def worker(http, ops):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            query, variables, token = next(ops)
            if query == "HEAVY":
                query = heavy()
            elif query == "HEAVY_UNIQUE":
                query = heavy_unique()
            headers = {"authorization": "Bearer " + token} if token else {}
            r = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
            counts["sent"] += 1
            counts["5xx"] += r.status_code >= 500

    async def main():
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await asyncio.gather(*(worker(http, itertools.cycle(mix[i % len(mix):] + mix[:i % len(mix)])) for i in range(concurrency)))
        print(json.dumps(counts))

    asyncio.run(main())
""")


async def seed(url: str, settings: Settings) -> dict[str, str]:
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    brand = await brands.create(slug="bench", name="Bench Milk")
    store = await stores.create(brand_id=brand.id, code="S1", name="Store 1")
    guide_member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject="guide")
    guide = await guides.appoint(brand_id=brand.id, member_id=guide_member.id, store_id=store.id)
    now = datetime.now(UTC)
    for i in range(100):
        member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"m{i}")
        await members.register(brand_id=brand.id, member_id=member.id, now=now, code=guide.invite_code)
    hq = await staff.create(brand_id=brand.id, username="hq-bench", password=PASSWORD, role=StaffRole.HQ)
    secret = str(settings.secret_key)
    return {
        "hq": tokens.issue(
            secret=secret, brand_id=brand.id, kind="staff", principal_id=hq.id, ttl_s=3600, version=hq.token_version
        )[0],
        "guide": tokens.issue(
            secret=secret, brand_id=brand.id, kind="member", principal_id=guide_member.id, ttl_s=3600
        )[0],
    }


class Probe:
    """Wakes every 5 ms; how late each wake-up is, is how long something held the loop."""

    def __init__(self) -> None:
        self.lags: list[float] = []

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            started = loop.time()
            await asyncio.sleep(0.005)
            self.lags.append((loop.time() - started - 0.005) * 1000)


async def measure(base: str, args: argparse.Namespace, hostile: bool, tokens_: dict[str, str]) -> dict[str, float]:
    probe, stop = Probe(), asyncio.Event()
    task = asyncio.create_task(probe.run(stop))
    generator = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        GENERATOR,
        base,
        str(args.seconds),
        str(args.concurrency),
        "1" if hostile else "0",
        json.dumps(tokens_),
        stdout=subprocess.PIPE,
    )
    out, _ = await generator.communicate()
    stop.set()
    await task
    counts = json.loads(out)
    lags = sorted(probe.lags)
    return {
        "requests/s": counts["sent"] / args.seconds,
        "5xx": counts["5xx"],
        "max hold ms": lags[-1],
        "p99 ms": lags[int(len(lags) * 0.99)],
        "p50 ms": statistics.median(lags),
        "over 50 ms": sum(x > 50 for x in lags),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--new-document-limit", action="store_true", help="keep the per-address limit on new documents")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="scrm-loop-")
    url = f"sqlite://{folder}/bench.sqlite3"
    # Limits as shipped, except per-address ones (every request here comes from one address, where an
    # attack would come from many); --new-document-limit keeps that one, to see what it saves.
    shipped = Settings.from_env({}).rate_limits
    kept = ("sign-in.account", "new-document.ip") if args.new_document_limit else ("sign-in.account",)
    settings = Settings(
        mode=Mode.TEST,
        database_url=url,
        secret_key=Settings.from_env({"SCRM_SECRET_KEY": SECRET}).secret_key,
        rate_limits={rule: shipped[rule] for rule in kept},
    )
    tokens_ = await seed(url, settings)
    await Tortoise.close_connections()
    # As `scrm serve` runs it: the app opens the database and tunes the collector itself.
    app = create_app(settings, manage_db=True)
    port = int(os.environ.get("BENCH_PORT", "8766"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, list[dict[str, float]]] = {"normal": [], "normal + hostile": []}
    try:
        # First uses (a connection opened, each document validated once) are not what is measured.
        await measure(base, argparse.Namespace(**{**vars(args), "seconds": 2}), True, tokens_)
        for _ in range(args.rounds):
            for name, hostile in (("normal", False), ("normal + hostile", True)):
                results[name].append(await measure(base, args, hostile, tokens_))
    finally:
        server.should_exit = True
        await serving
    print(
        f"event loop held, {args.rounds} alternating rounds of {args.seconds:.0f} s, {args.concurrency} clients (SQLite):"
    )
    print(
        f"{'mix':<18} {'requests/s':>10} {'5xx':>4} {'max hold ms':>12} {'p99 ms':>7} {'p50 ms':>7} {'over 50 ms':>10}"
    )
    for name, rounds in results.items():
        for r in rounds:
            print(
                f"{name:<18} {r['requests/s']:>10.0f} {r['5xx']:>4.0f} {r['max hold ms']:>12.1f} {r['p99 ms']:>7.1f} "
                f"{r['p50 ms']:>7.2f} {r['over 50 ms']:>10.0f}"
            )
    worst = max(r["max hold ms"] for rounds in results.values() for r in rounds)
    print(f"longest hold: {worst:.1f} ms (target: none over 50 ms)")


if __name__ == "__main__":
    asyncio.run(main())
