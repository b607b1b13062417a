"""Faults under load, on PostgreSQL with two uvicorn workers: a worker killed with SIGKILL in the
middle of a claim storm, PostgreSQL restarted during one, and the outbox worker killed
mid-delivery. Clients retry as mobile networks do (same idempotency key); afterwards every
claim a client was told about exists once, nothing else exists, and every invariant holds."""

import asyncio
import os
import shutil
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bench.claims_http import reference_campaigns
from foundation.integrations.clients import open_integrations
from foundation.settings import Settings
from loyalty import item_codes
from loyalty.models import Claim
from loyalty.services import batches
from referral.models import IdentityProvider, MemberIdentity, Message, MessageStatus
from referral.services import members
from server.notifications import Deliverer
from tests import factories
from tests.processes import SCRM, connections_held, serving, worker_pids
from tests.test_multi_worker import server_env

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

CLAIM = """mutation($c: String!, $k: String) { claimItemCode(code: $c, idempotencyKey: $k) {
  claim { id } replayed errors { code } } }"""


@pytest.fixture
def pg_settings(db, settings, upstream) -> Settings:
    """Settings the served workers share (same secret); these faults are PostgreSQL's."""
    if db != "postgres":
        pytest.skip("several workers share a PostgreSQL server")
    return Settings(
        secret_key=settings.secret_key, line_api_base_url=upstream.base_url, wechat_api_base_url=upstream.base_url
    )


def item_codes_of(settings: Settings, batch_id: int, n: int) -> list[str]:
    key = settings.item_keyring.key(1)
    return [item_codes.encode(key, 1, batch_id, serial) for serial in range(1, n + 1)]


async def shop(settings: Settings, n_members: int) -> dict:
    now = datetime.now(UTC)
    brand = await factories.brand("acme")
    brand.line_channel_access_token = "line-channel-token"
    await brand.save()
    guide = await factories.guide(brand, await factories.store(brand), "amy")
    tokens = []
    for i in range(n_members):
        member = await factories.member(brand, f"m{i}")
        await members.register(brand_id=brand.id, member_id=member.id, now=now, code=guide.invite_code)
        await MemberIdentity.filter(member_id=member.id).update(provider=IdentityProvider.LINE, subject=f"line-m{i}")
        tokens.append(factories.member_token(settings, member))
    batch = await batches.create(
        brand_id=brand.id,
        key_id=1,
        sku="MILK",
        product_name="Milk",
        quantity=1_000_000,
        price_cents=29_900,
        points_per_item=30,
    )
    await reference_campaigns(brand.id, now)
    return dict(brand=brand, tokens=tokens, batch=batch)


async def storm(
    base: str,
    codes: list[str],
    tokens: list[str],
    *,
    clients: int,
    deadline_s: float,
    answers: dict[int, str] | None = None,
    failures: list[int] | None = None,
) -> tuple[dict[int, str], int]:
    """Each client claims its codes one by one, retrying a failed request with the same key until it
    gets an answer. Returns each request's final answer (a claim id, or the refusal code) and how
    many attempts failed on the way (also appended to `failures` as they happen, for a watcher)."""
    answers = {} if answers is None else answers
    failed = 0
    queue = list(enumerate(codes))
    stop = time.monotonic() + deadline_s

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failed
        while queue:
            n, code = queue.pop()
            key = f"storm-request-{n}"
            while True:
                try:
                    response = await http.post(
                        "/graphql",
                        json={"query": CLAIM, "variables": {"c": code, "k": key}},
                        headers={"authorization": f"Bearer {tokens[n % len(tokens)]}"},
                    )
                    body = response.json()
                    if response.status_code == 200 and "errors" not in body:
                        payload = body["data"]["claimItemCode"]
                        answers[n] = payload["errors"][0]["code"] if payload["errors"] else payload["claim"]["id"]
                        break
                except (httpx.TransportError, ValueError):
                    pass
                failed += 1
                if failures is not None:
                    failures.append(n)
                assert time.monotonic() < stop, "a claim got no answer before the deadline"
                await asyncio.sleep(0.2)

    # A new connection per request, as phones on mobile networks do: the kernel spreads them over
    # the workers (kept-alive connections can all land on one worker and spare the other).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return answers, failed


async def assert_claims_match(answers: dict[int, str], batch_id: int) -> None:
    from schema import ids
    from server import invariants

    told = [ids.decode(v, "Claim") for v in answers.values() if not v.isupper()]
    stored = set(await Claim.filter(batch_id=batch_id).values_list("id", flat=True))
    # Every claim a client was told about exists once, and none exists that nobody was told about.
    assert set(told) == stored and len(told) == len(stored)
    assert await invariants.violations() == []


async def test_a_worker_killed_mid_storm_loses_and_doubles_nothing(database, pg_settings) -> None:
    data = await shop(pg_settings, 60)
    codes = item_codes_of(pg_settings, data["batch"].id, 600)
    codes += codes[:40]  # some scanned twice

    with serving(server_env(database), workers=2) as (base, supervisor):
        first_workers = worker_pids(supervisor)
        port = int(base.rsplit(":", 1)[1])
        answers: dict[int, str] = {}
        failures: list[int] = []
        killed: list[int] = []

        async def kill_mid_storm() -> None:
            # Mid-storm, while a worker serves several clients. A kill can still miss (its requests
            # answered in the instant before: seen twice in CI), so until one cuts a request off, the
            # worker now serving is killed again, up to three times.
            while not failures and len(killed) < 3 and len(answers) < 560:
                workers = [pid for pid in worker_pids(supervisor) if pid not in killed]
                busy = [pid for pid in workers if connections_held(pid, port) >= 4]
                if len(answers) < 150 or not busy:
                    await asyncio.sleep(0.005)
                    continue
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
                await asyncio.sleep(0.5)

        (_, failed), _ = await asyncio.gather(
            storm(base, codes, data["tokens"], clients=32, deadline_s=90, answers=answers, failures=failures),
            kill_mid_storm(),
        )
        # uvicorn's supervisor replaced the dead workers.
        for _ in range(100):
            if len(pids := worker_pids(supervisor)) == 2 and not set(killed) & set(pids):
                break
            await asyncio.sleep(0.1)
        assert killed and killed[0] in first_workers and not set(killed) & set(pids) and len(pids) == 2

    assert len(answers) == 640 and failed > 0, "the kill should have cut some requests off"
    # The 40 codes sent twice (different requests, different keys): one of each pair was refused.
    assert sorted(v for v in answers.values() if v.isupper()) == ["ITEM_CODE_ALREADY_CLAIMED"] * 40
    await assert_claims_match(answers, data["batch"].id)


@pytest.mark.skipif(
    shutil.which("pg_ctlcluster") is None or not os.path.isdir("/etc/postgresql"),
    reason="restarts the local cluster with Debian's pg_ctlcluster, which this machine lacks",
)
async def test_postgres_restarted_during_a_storm(database, pg_settings) -> None:
    data = await shop(pg_settings, 40)
    codes = item_codes_of(pg_settings, data["batch"].id, 800)
    cluster = sorted(os.listdir("/etc/postgresql"))[0]

    with serving(server_env(database), workers=2) as (base, _):
        answers: dict[int, str] = {}

        async def restart_mid_storm() -> float:
            while len(answers) < 100:
                await asyncio.sleep(0.01)
            started = time.monotonic()
            done = await asyncio.create_subprocess_exec(
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                cluster,
                "main",
                "restart",
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            assert await done.wait() == 0
            return time.monotonic() - started

        (_, failed), outage_s = await asyncio.gather(
            storm(base, codes, data["tokens"], clients=32, deadline_s=120, answers=answers), restart_mid_storm()
        )
        health = httpx.get(f"{base}/health")
        assert health.status_code == 200, health.text

    assert len(answers) == 800 and failed > 0, "the restart should have failed some requests"
    await assert_claims_match(answers, data["batch"].id)


async def test_the_outbox_worker_killed_mid_delivery_sends_each_message_once(database, pg_settings, upstream) -> None:
    settings = pg_settings
    data = await shop(settings, 120)
    upstream.line_channel_tokens.add("line-channel-token")
    # Each member's first claim through their guide earns the BOGO gift: 120 "coupon issued" messages.
    codes = item_codes_of(settings, data["batch"].id, 120)
    with serving(server_env(database), workers=2) as (base, _):
        await storm(base, codes, data["tokens"], clients=16, deadline_s=60)
    assert await Message.all().count() == 120

    upstream.delay_s = 0.02
    env = {
        **server_env(database),
        "SCRM_LINE_API_BASE_URL": upstream.base_url,
        "SCRM_WECHAT_API_BASE_URL": upstream.base_url,
    }
    worker = subprocess.Popen(
        [SCRM, "deliver-notifications", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if len(upstream.line_pushed) >= 20:
                break
            await asyncio.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait()
    upstream.delay_s = 0.0
    killed_after = len(upstream.line_pushed)
    assert 20 <= killed_after < 120, killed_after

    # Another worker, after the dead one's leases ran out, finishes the job.
    later = datetime.now(UTC) + timedelta(minutes=5)
    async with open_integrations(settings) as integrations:
        deliverer = Deliverer(integrations, clock=lambda: later)
        while await deliverer.run_once(limit=50):
            pass
    # The fake, like LINE, accepts a retry key once: 120 accepted pushes to 120 members is each message once.
    assert len(upstream.line_pushed) == 120 and len({p["to"] for p in upstream.line_pushed}) == 120
    assert await Message.filter(status=MessageStatus.SENT).count() == 120
    from server import invariants

    assert await invariants.violations() == []


async def test_a_broadcast_worker_killed_mid_queue_doubles_and_loses_nothing(database, pg_settings, upstream) -> None:
    from loyalty.models import Coupon, CouponKind
    from loyalty.services import coupons
    from reach import broadcasts, segments
    from reach.conditions import MarketingConsent
    from reach.models import BroadcastRecipient
    from referral.models import Member

    n = 3000
    brand = await factories.brand("acme")
    brand.line_channel_access_token = "line-channel-token"
    await brand.save()
    upstream.line_channel_tokens.add("line-channel-token")
    now = datetime.now(UTC)
    await Member.bulk_create(
        [
            Member(brand_id=brand.id, invite_code=f"I{i:07d}", registered_at=now, marketing_consent_at=now)
            for i in range(n)
        ],
        batch_size=1000,
    )
    ids = await Member.filter(brand_id=brand.id).values_list("id", flat=True)
    await MemberIdentity.bulk_create(
        [MemberIdentity(brand_id=brand.id, member_id=m, provider=IdentityProvider.LINE, subject=f"U{m}") for m in ids],
        batch_size=1000,
    )
    gift = await coupons.create_template(
        brand_id=brand.id, name="Gift", kind=CouponKind.GIFT, valid_days=30, total_limit=n
    )
    segment = await segments.save(
        brand_id=brand.id, name="All", condition=MarketingConsent(), created_by="staff:1", now=now
    )
    await broadcasts.create(
        brand_id=brand.id,
        draft=broadcasts.Draft(
            name="News", segment_id=segment.id, title="Hi", body="A gift: {coupon}", coupon_template_id=gift.id
        ),
        created_by="staff:1",
        now=now,
    )

    env = {
        **server_env(database),
        "SCRM_LINE_API_BASE_URL": upstream.base_url,
        "SCRM_WECHAT_API_BASE_URL": upstream.base_url,
        "SCRM_OUTBOX_RATE_LINE": "100000",
    }
    worker = subprocess.Popen(
        [SCRM, "deliver-notifications", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Killed once a chunk of the audience is queued, while the next is being written.
        for _ in range(2000):
            if await BroadcastRecipient.filter(queued=True).count() >= 1000:
                break
            await asyncio.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait()
    queued_at_kill = await BroadcastRecipient.filter(queued=True).count()
    assert 1000 <= queued_at_kill < n, queued_at_kill
    assert await Coupon.all().count() == queued_at_kill  # the chunk it died in left nothing behind

    later = datetime.now(UTC) + timedelta(minutes=5)
    async with open_integrations(pg_settings) as integrations:
        deliverer = Deliverer(integrations, clock=lambda: later)
        while await deliverer.run_once(limit=500):
            pass

    assert await BroadcastRecipient.filter(queued=True).count() == n
    assert await Message.filter(status=MessageStatus.SENT).count() == n
    assert len(await Coupon.all().distinct().values_list("member_id", flat=True)) == await Coupon.all().count() == n
    assert len(upstream.line_pushed) == n and len({p["to"] for p in upstream.line_pushed}) == n
    from server import invariants

    assert await invariants.violations() == []


async def test_journeys_killed_mid_run_and_run_again_do_each_step_once(database, pg_settings) -> None:
    import json
    from pathlib import Path

    from loyalty.models import Coupon, CouponKind
    from loyalty.services import coupons
    from reach import journeys
    from reach.models import GuideTask, JourneyRun, RunStatus
    from referral.models import Member

    n = 1500
    brand = await factories.brand("acme")
    guide = await factories.guide(brand, await factories.store(brand), "amy")
    now = datetime.now(UTC)
    born = (now - timedelta(days=200)).date()  # over 6 months old: entered when the journey counts from before
    await Member.bulk_create(
        [
            Member(
                brand_id=brand.id, invite_code=f"J{i:07d}", registered_at=now, guide_id=guide.id, baby_birth_date=born
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    await coupons.create_template(brand_id=brand.id, name="Stage 2 trial can", kind=CouponKind.GIFT, valid_days=30)
    data = json.loads((Path(journeys.__file__).parent / "reference_journeys" / "next_stage_due.json").read_text())
    journey = await journeys.save(
        brand_id=brand.id,
        name=data["name"],
        definition={"trigger": data["trigger"], "steps": data["steps"]},
        active=True,
        created_by="test",
        now=now - timedelta(days=30),
    )
    assert journey.id

    env = {**server_env(database), "SCRM_OUTBOX_RATE_LINE": "100000"}
    runner = subprocess.Popen([SCRM, "run-journeys"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(3000):
            if await JourneyRun.filter(status=RunStatus.DONE).count() >= 200:
                break
            await asyncio.sleep(0.01)
        os.kill(runner.pid, signal.SIGKILL)
    finally:
        runner.wait()
    done_at_kill = await JourneyRun.filter(status=RunStatus.DONE).count()
    assert 200 <= done_at_kill < n, done_at_kill

    again = subprocess.run([SCRM, "run-journeys"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    twice = subprocess.run([SCRM, "run-journeys"], env=env, capture_output=True, text=True, timeout=300)
    assert "nothing due" in twice.stdout or "'entered': 0" in twice.stdout, twice.stdout

    assert await JourneyRun.filter(status=RunStatus.DONE).count() == await JourneyRun.all().count() == n
    assert await GuideTask.all().count() == n and await Coupon.all().count() == n
    assert len(set(await Coupon.all().values_list("member_id", flat=True))) == n
