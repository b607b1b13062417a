"""The races of the codes and events issues again, through HTTP against two processes on
PostgreSQL, in two layouts: two uvicorn workers of one `scrm serve`, and two `scrm serve` processes
on their own ports (as on two machines) behind one HAProxy address. Each process has its own
connection pool and memory, so only the database and Redis can keep the rules: claims, write-offs,
coupon limits and sign-ups race; sessions revoked, rate limits and the WeChat access token are
shared."""

import asyncio
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
import redis.asyncio as aioredis

from access.models import StaffRole
from events.models import Event, Registration, RegistrationStatus
from foundation.settings import Settings
from loyalty import item_codes
from loyalty.models import Claim, Coupon, CouponKind, CouponStatus, CouponTemplate
from loyalty.services import batches, coupons
from referral.models import Member
from referral.services import members
from schema import ids
from server import invariants
from tests import factories
from tests.conftest import TEST_DATA_KEYS, TEST_SECRET
from tests.events.helpers import SIGN_UP
from tests.processes import SCRM, behind_proxy, serving, worker_pids

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

CLAIM = """mutation($c: String!, $k: String) { claimItemCode(code: $c, idempotencyKey: $k) { pointsEarned errors { code } } }"""
WRITE_OFF = """mutation($c: String!) { writeOffCoupon(code: $c) { coupon { status } errors { code } } }"""
VERIFY_PHONE = """mutation($c: String!) { verifyPhoneWithWechat(code: $c) { member { phone } errors { code } } }"""
ISSUE = """mutation($t: ID!, $m: ID!) { issueCoupon(templateId: $t, memberId: $m) { coupon { id } errors { code } } }"""


def server_env(database_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SCRM_") and k != "DATABASE_URL"}
    return {
        **keep,
        "DATABASE_URL": database_url,
        "SCRM_MODE": "test",
        "SCRM_SECRET_KEY": TEST_SECRET,
        "SCRM_DATA_KEYS": TEST_DATA_KEYS,
        "SCRM_RATE_LIMITS": "off",
    }


async def post(http: httpx.AsyncClient, query: str, variables: dict, token: str) -> dict:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


LAYOUTS = pytest.mark.parametrize("layout", ["two workers", "two machines behind a proxy"])


@contextmanager
def two_processes(layout: str, env: dict[str, str]) -> Iterator[str]:
    """The address clients use; on leaving, checks that both processes served requests."""
    if layout == "two workers":
        with serving(env, workers=2) as (base, supervisor):
            assert len(worker_pids(supervisor)) == 2
            yield base
        return
    with behind_proxy(env) as proxy:
        yield proxy.base
        assert proxy.served_by() == {"m0", "m1"}


def outcome(payload: dict) -> str:
    return payload["errors"][0]["code"] if payload["errors"] else "OK"


@LAYOUTS
async def test_the_races_hold_across_two_processes(db, database, settings, layout) -> None:
    if db != "postgres":
        pytest.skip("several workers share a PostgreSQL server; SQLite is the single-process default")
    settings = Settings(secret_key=settings.secret_key)
    now = datetime.now(UTC)
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    guide_token = factories.member_token(settings, await Member.get(id=guide.member_id))
    hq = factories.staff_token(settings, await factories.staff(brand))
    people = []
    for i in range(250):
        member = await factories.member(brand, f"m{i}")
        await members.register(brand_id=brand.id, member_id=member.id, now=now, code=guide.invite_code)
        people.append((member, factories.member_token(settings, member)))
    batch = await batches.create(
        brand_id=brand.id, key_id=1, sku="MILK", product_name="Milk", quantity=10, price_cents=100, points_per_item=10
    )
    code = item_codes.encode(settings.item_keyring.key(1), 1, batch.id, 1)
    limited = await coupons.create_template(
        brand_id=brand.id, name="Launch", kind=CouponKind.GIFT, valid_days=7, total_limit=50
    )
    gift = await coupons.create_template(brand_id=brand.id, name="Gift", kind=CouponKind.GIFT, valid_days=7)
    coupon = await coupons.issue(brand_id=brand.id, template_id=gift.id, member_id=people[0][0].id, now=now)
    event = await factories.event(brand, store, now=now, capacity=30)

    with two_processes(layout, server_env(database)) as base:
        limits = httpx.Limits(max_connections=300, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
            claims = await asyncio.gather(*(post(http, CLAIM, {"c": code, "k": None}, t) for _, t in people[:100]))
            write_offs = await asyncio.gather(
                *(post(http, WRITE_OFF, {"c": coupon.code}, guide_token) for _ in range(100))
            )
            issues = await asyncio.gather(
                *(
                    post(
                        http,
                        ISSUE,
                        {"t": ids.encode("CouponTemplate", limited.id), "m": ids.encode("Member", m.id)},
                        hq,
                    )
                    for m, _ in people
                    for _ in range(2)
                )
            )
            sign_ups = await asyncio.gather(
                *(
                    post(http, SIGN_UP, {"e": ids.encode("Event", event.id), "a": None}, t)
                    for _, t in people + people[:50]
                )
            )

    claim_outcomes = [outcome(p) for p in claims]
    assert claim_outcomes.count("OK") == 1 and set(claim_outcomes) == {"OK", "ITEM_CODE_ALREADY_CLAIMED"}
    assert await Claim.filter(batch_id=batch.id, serial=1).count() == 1

    write_off_outcomes = [outcome(p) for p in write_offs]
    assert write_off_outcomes.count("OK") == 1 and set(write_off_outcomes) == {"OK", "COUPON_ALREADY_WRITTEN_OFF"}
    assert (await Coupon.get(id=coupon.id)).status is CouponStatus.WRITTEN_OFF

    issue_outcomes = [outcome(p) for p in issues]
    assert issue_outcomes.count("OK") == 50 and (await CouponTemplate.get(id=limited.id)).issued_count == 50
    assert set(issue_outcomes) <= {"OK", "COUPON_LIMIT_REACHED", "COUPON_MEMBER_LIMIT_REACHED"}

    assert all(p["errors"] == [] for p in sign_ups)
    rows = await Registration.filter(event_id=event.id)
    waiting = sorted(r.waitlist_position for r in rows if r.status is RegistrationStatus.WAITLISTED)
    assert len(rows) == 250 and waiting == list(range(1, 221))
    assert (await Event.get(id=event.id)).confirmed_count == 30
    assert await invariants.violations() == []


@LAYOUTS
async def test_signing_staff_out_refuses_their_tokens_at_once_on_every_process(db, database, settings, layout) -> None:
    if db != "postgres":
        pytest.skip("several workers share a PostgreSQL server; SQLite is the single-process default")
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    await factories.staff(brand, "bob", StaffRole.STORE_MANAGER, store)
    env = server_env(database)
    me = "{ me { roles } }"
    with two_processes(layout, env) as base:
        # A new connection per request, so that both processes answer.
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            signed_in = await http.post(
                "/graphql",
                json={
                    "query": 'mutation { signInStaff(brand: "acme", username: "bob", '
                    f'password: "{factories.STAFF_PASSWORD}") {{ token }} }}'
                },
            )
            token = signed_in.json()["data"]["signInStaff"]["token"]
            headers = {"authorization": f"Bearer {token}"}
            before = [await http.post("/graphql", json={"query": me}, headers=headers) for _ in range(12)]
            assert all(r.json() == {"data": {"me": {"roles": ["STORE_MANAGER"]}}} for r in before)
            done = subprocess.run(
                [SCRM, "staff", "revoke-sessions", "--brand", "acme", "--username", "bob"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0 and "signed out" in done.stdout, done.stderr
            after = [await http.post("/graphql", json={"query": me}, headers=headers) for _ in range(12)]
            assert all(r.json()["errors"][0]["extensions"]["code"] == "TOKEN_INVALID" for r in after)


@LAYOUTS
@pytest.mark.parametrize("store", ["database", "redis"])
async def test_two_processes_share_one_wechat_access_token(db, database, settings, upstream, store, layout) -> None:
    if db != "postgres":
        pytest.skip("several workers share a PostgreSQL server; SQLite is the single-process default")
    settings = Settings(secret_key=settings.secret_key)
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    people = [(await factories.member(brand, f"m{i}")) for i in range(30)]
    tokens = [factories.member_token(settings, m) for m in people]
    codes = [upstream.wechat_phone_code(brand.wechat_appid, f"1381234{i:04d}") for i in range(30)]
    env = {**server_env(database), "SCRM_WECHAT_API_BASE_URL": upstream.base_url}
    if store == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
        client = aioredis.from_url(env["REDIS_URL"])
        await client.flushdb()
        await client.aclose()

    with two_processes(layout, env) as base:
        limits = httpx.Limits(max_connections=60, max_keepalive_connections=0)  # new connections: both serve
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
            done = await asyncio.gather(
                *(post(http, VERIFY_PHONE, {"c": code}, token) for code, token in zip(codes, tokens, strict=True))
            )

    assert [p["errors"] for p in done] == [[]] * 30
    assert sorted(p["member"]["phone"] for p in done) == sorted(f"+861381234{i:04d}" for i in range(30))
    assert upstream.wechat_token_fetches == 1


@LAYOUTS
async def test_rate_limits_count_once_across_processes_through_redis(db, database, layout) -> None:
    if db != "postgres":
        pytest.skip("several workers share a PostgreSQL server; SQLite is the single-process default")
    brand = await factories.brand("acme")
    await factories.staff(brand, "bob")
    env = {
        **server_env(database),
        "SCRM_RATE_LIMITS": "sign-in.account=5/300",
        "REDIS_URL": "redis://127.0.0.1:6379/13",
    }
    client = aioredis.from_url(env["REDIS_URL"])
    await client.flushdb()
    await client.aclose()
    guess = 'mutation { signInStaff(brand: "acme", username: "bob", password: "not it") { token errors { code } } }'
    with two_processes(layout, env) as base:
        limits = httpx.Limits(max_keepalive_connections=0)  # a new connection per request: both serve
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            answers = [(await http.post("/graphql", json={"query": guess})).json() for _ in range(12)]
    codes = [
        a["data"]["signInStaff"]["errors"][0]["code"] if a.get("data") else a["errors"][0]["extensions"]["code"]
        for a in answers
    ]
    # Five guesses in all, not five per process.
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 7, codes
