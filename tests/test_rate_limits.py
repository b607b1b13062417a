"""Rate limits on scans and sign-ins: typed refusals that change nothing, shared by workers through
Redis, and still enforced (per process) when Redis is down."""

import asyncio
import logging

import pytest
import redis

from foundation.ratelimit import DEFAULT_RULES, Rate, parse_rules
from foundation.settings import Settings, SettingsError
from loyalty.models import Claim, Rescan
from referral.services import members
from referral.services.profile_fields import ProfileInput
from server.app import create_app
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import make_settings
from tests.processes import free_port

CLAIM = """mutation($c: String!) { claimItemCode(code: $c) { pointsEarned errors { code message } } }"""
STAFF = """mutation($u: String!, $p: String!) {
  signInStaff(brand: "acme", username: $u, password: $p) { token errors { code message } } }"""
# Long windows: a test never straddles two of them (a window boundary would reset the count).
YEAR = 365 * 24 * 3600
REDIS_DB = "redis://127.0.0.1:6379/15"


@pytest.fixture
def clean_redis():
    r = redis.Redis.from_url(REDIS_DB)
    r.flushdb()
    yield
    r.flushdb()
    r.close()


async def test_a_member_guessing_codes_is_stopped_and_nothing_changes(db, upstream, clock, caplog) -> None:
    settings = make_settings(upstream, rate_limits={"scan.member": Rate(3, YEAR), "scan.ip": Rate(100, YEAR)})
    cast = await factories.cast(settings, "acme")
    other = factories.member_token(settings, await factories.member(cast.brand, "other-mum"))
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        for _ in range(3):
            guess = await client.mutate(
                "claimItemCode", CLAIM, {"c": "A1B2C3D4E5F6G7H8"}, token=cast.tokens["consumer"]
            )
            assert guess["errors"][0]["code"] != "RATE_LIMITED"
        with caplog.at_level(logging.WARNING, "foundation.ratelimit"):
            stopped = await client.mutate(
                "claimItemCode", CLAIM, {"c": "A1B2C3D4E5F6G7H8"}, token=cast.tokens["consumer"]
            )
        assert stopped["errors"][0]["code"] == "RATE_LIMITED"
        assert "try again in" in stopped["errors"][0]["message"]
        # Another member is not slowed by this one.
        theirs = await client.mutate("claimItemCode", CLAIM, {"c": "A1B2C3D4E5F6G7H8"}, token=other)
        assert theirs["errors"][0]["code"] != "RATE_LIMITED"
    assert await Claim.all().count() == 0 and await Rescan.all().count() == 0
    # Logged once, with a pseudonym, never the member id or the code.
    records = [r for r in caplog.records if r.getMessage() == "rate limit reached"]
    assert len(records) == 1 and records[0].rule == "scan.member" and str(cast.consumer.id) != records[0].subject


async def test_a_guide_typing_coupon_codes_is_slowed(db, upstream, clock) -> None:
    settings = make_settings(upstream, rate_limits={"write-off.guide": Rate(2, YEAR)})
    cast = await factories.cast(settings, "acme")
    write_off = "mutation($c: String!) { writeOffCoupon(code: $c) { errors { code } } }"
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        codes = [
            (await client.mutate("writeOffCoupon", write_off, {"c": "CPABCDEFGH2"}, token=cast.tokens["guide"]))[
                "errors"
            ][0]["code"]
            for _ in range(3)
        ]
        other = await client.mutate(
            "writeOffCoupon", write_off, {"c": "CPABCDEFGH2"}, token=cast.tokens["guide_manager"]
        )
    assert "RATE_LIMITED" not in codes[:2] and codes[2] == "RATE_LIMITED"
    assert other["errors"][0]["code"] != "RATE_LIMITED"


async def test_credential_stuffing_locks_the_account_not_the_shop(db, upstream, clock) -> None:
    settings = make_settings(upstream, rate_limits={"sign-in.account": Rate(3, YEAR), "sign-in.ip": Rate(100, YEAR)})
    brand = await factories.brand("acme")
    await factories.staff(brand, "alice")
    await factories.staff(brand, "bob")
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        for _ in range(3):
            bad = await client.mutate("signInStaff", STAFF, {"u": "alice", "p": "guess"})
            assert bad["errors"][0]["code"] == "INVALID_CREDENTIALS"
        # Even the right password waits now: the attacker cannot tell a hit from a miss.
        locked = await client.mutate("signInStaff", STAFF, {"u": " ALICE", "p": factories.STAFF_PASSWORD})
        assert locked["token"] is None and locked["errors"][0]["code"] == "RATE_LIMITED"
        bob = await client.mutate("signInStaff", STAFF, {"u": "bob", "p": factories.STAFF_PASSWORD})
        assert bob["errors"] == [] and bob["token"]


async def test_workers_share_the_count_through_redis(db, upstream, clock, clean_redis) -> None:
    settings = make_settings(upstream, redis_url=REDIS_DB, rate_limits={"sign-in.ip": Rate(4, YEAR)})
    await factories.brand("acme")
    apps = [create_app(settings, manage_db=False, clock=clock) for _ in range(2)]
    async with GraphQLClient.running(apps[0]) as first, GraphQLClient.running(apps[1]) as second:
        codes = []
        for n in range(6):
            answer = await (first, second)[n % 2].mutate("signInStaff", STAFF, {"u": "nobody", "p": "x"})
            codes.append(answer["errors"][0]["code"])
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["RATE_LIMITED"] * 2
    keys = redis.Redis.from_url(REDIS_DB).keys("scrm:rl:*")
    assert len(keys) == 1 and b"127.0.0.1" not in keys[0] and b"testclient" not in keys[0]


async def test_with_redis_down_each_worker_still_limits(db, upstream, clock, caplog) -> None:
    settings = make_settings(
        upstream, redis_url=f"redis://127.0.0.1:{free_port()}/0", rate_limits={"sign-in.ip": Rate(2, YEAR)}
    )
    await factories.brand("acme")
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        with caplog.at_level(logging.WARNING, "foundation.ratelimit"):
            codes = [
                (await client.mutate("signInStaff", STAFF, {"u": "x", "p": "y"}))["errors"][0]["code"] for _ in range(3)
            ]
    assert codes == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert any("counting in process" in r.getMessage() for r in caplog.records)


def test_limits_are_read_from_the_environment() -> None:
    assert Settings.from_env({}).rate_limits == DEFAULT_RULES
    custom = Settings.from_env({"SCRM_RATE_LIMITS": "scan.member=5/10"}).rate_limits
    assert custom["scan.member"] == Rate(5, 10) and custom["scan.ip"] == DEFAULT_RULES["scan.ip"]
    assert parse_rules("off") == {}
    for bad in ("scan.member=5", "scan.member=0/10", "scans=1/1", "scan.member=a/b"):
        with pytest.raises(SettingsError, match="SCRM_RATE_LIMITS"):
            Settings.from_env({"SCRM_RATE_LIMITS": bad})


async def test_a_guide_cannot_unmask_a_phone_digit_by_digit(db, upstream, clock) -> None:
    settings = make_settings(upstream, rate_limits={"search.guide": Rate(10, YEAR)})
    cast = await factories.cast(settings, "acme")
    mum = await factories.member(cast.brand, "phone-mum")
    await members.register(
        brand_id=cast.brand.id,
        member_id=mum.id,
        now=clock.now,
        code=cast.guide.invite_code,
        profile=ProfileInput(phone="+8613812340001", phone_consent=True),
    )
    query = "query($s: String) { myMembers(search: $s) { nodes { id } } }"
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:

        async def found(term: str) -> int:
            return len((await client.ok(query, {"s": term}, token=cast.tokens["guide"]))["myMembers"]["nodes"])

        # The whole number (as stored or as a local would type it) or exactly the last four digits.
        assert [await found(t) for t in ("+8613812340001", "13812340001", "0001")] == [1, 1, 1]
        # Any other ending, longer or shorter, matches nothing: the masked number stays masked.
        assert [await found(t) for t in ("40001", "340001", "2340001", "812340001", "001", "1")] == [0] * 6
        # Paging without a search is not counted; the eleventh search is refused.
        for _ in range(3):
            assert await found("") == 1
        assert await found("Mum") == 0
        stopped = await client.post(query, {"s": "0001"}, token=cast.tokens["guide"])
        assert stopped.error_codes == ["RATE_LIMITED"] and stopped.data == {"myMembers": None}


async def test_a_redis_that_never_answers_costs_one_timeout_and_one_log_line(db, upstream, clock, caplog) -> None:
    """Redis accepts connections and says nothing: the breaker stops asking after the first timeout."""
    connections = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.read()  # never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = make_settings(
        upstream, redis_url=f"redis://127.0.0.1:{port}/0", rate_limits={"sign-in.ip": Rate(5, YEAR)}
    )
    await factories.brand("acme")
    try:
        async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
            with caplog.at_level(logging.WARNING, "foundation.ratelimit"):
                codes = [
                    (await client.mutate("signInStaff", STAFF, {"u": "x", "p": "y"}))["errors"][0]["code"]
                    for _ in range(8)
                ]
    finally:
        server.close()
    # Still limited, in process; Redis was asked once, and the log says so once.
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 3
    assert len(connections) == 1
    assert sum("counting in process" in r.getMessage() for r in caplog.records) == 1
