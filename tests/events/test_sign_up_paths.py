"""A sign-up's two paths write the same rows: on PostgreSQL events_sign_up() in one call under the
event's lock (signups.sign_up), and step by step from Python (signups.sign_up_stepwise, SQLite's
path). Two brands set up alike make the same sign-ups and cancellations, one brand per path, and
every row either writes is compared, ids replaced by what they name: registrations, the events'
counters, touches, step rewards, points, and the promotion notices; and the answers members got."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from events.errors import EventError
from events.models import Audience, Registration
from events.services import events, invitations, signup_call, signups
from loyalty.models import Beneficiary
from loyalty.services import campaigns, step_rewards
from loyalty.triggers import Trigger
from referral.models import IdentityProvider, Member
from referral.services import members
from referral.sql import Statement
from tests import factories
from tests.conftest import QueryLog

START = datetime(2026, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)
SignUp = Callable[..., Awaitable[Registration]]
QUESTIONS = [{"key": "size", "label": "T-shirt", "kind": "choice", "choices": ["S", "M", "L"]}]


@dataclass
class World:
    brand_id: int
    people: dict[str, Member] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    names: dict[str, dict[int, str]] = field(default_factory=dict)

    def name(self, kind: str, pk: int | None) -> str | None:
        return None if pk is None else self.names[kind][pk]


async def _world(slug: str) -> World:
    brand = await factories.brand(slug)
    world = World(brand_id=brand.id)
    s1, s2 = await factories.store(brand, "S1"), await factories.store(brand, "S2")
    amy, bob = await factories.guide(brand, s1, f"{slug}-amy"), await factories.guide(brand, s2, f"{slug}-bob")
    world.names = {
        "store": {s1.id: "S1", s2.id: "S2"},
        "guide": {amy.id: "amy", bob.id: "bob"},
        "member": {amy.member_id: "amy", bob.member_id: "bob"},
    }
    before = START - timedelta(days=1)
    for label, via in (("ann", amy.invite_code), ("cat", None), ("eve", bob.invite_code), ("dan", None)):
        member, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"{slug}-{label}")
        if label != "dan":
            member = await members.register(brand_id=brand.id, member_id=member.id, now=before, code=via)
        world.people[label] = member
    bea, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.DEV, subject=f"{slug}-bea")
    code = world.people["ann"].invite_code
    world.people["bea"] = await members.register(brand_id=brand.id, member_id=bea.id, now=before, code=code)
    world.names["member"] |= {m.id: label for label, m in world.people.items()}

    year = {"starts_at": START - timedelta(days=30), "ends_at": START + timedelta(days=300)}
    step = Trigger.EVENT_SIGN_UP
    world.names["campaign"] = {}
    for spec in (
        campaigns.CampaignSpec("Sign-up bonus", points=20, trigger=step, **year),
        # Starts between ann's sign-up and her second tap: the one call grants it to the tap, then
        # undoes it with the transaction when the call finds her signed up already.
        campaigns.CampaignSpec(
            "Late bonus",
            points=5,
            trigger=step,
            starts_at=START + timedelta(seconds=30),
            ends_at=year["ends_at"],
        ),
        campaigns.CampaignSpec(
            "Guide brought them", via_guide=True, beneficiary=Beneficiary.GUIDE, points=10, trigger=step, **year
        ),
    ):
        world.names["campaign"][(await campaigns.create(brand_id=brand.id, spec=spec)).id] = spec.name
    for label, store, spec in (
        ("yoga", None, dict(capacity=2, questions=QUESTIONS)),
        ("s1", s1, dict(audience=Audience.STORE, audience_store_id=s1.id)),
        ("gone", None, {}),
        ("later", None, dict(signup_opens_at=START + timedelta(days=1))),
    ):
        made = await factories.event(brand, store, now=before, title=label, **spec)
        world.events[label] = made.id
    await events.cancel(brand_id=brand.id, event_id=world.events["gone"], store_scope=None, now=before)
    world.names["event"] = {pk: label for label, pk in world.events.items()}
    for guide, member in ((amy, "ann"), (bob, "eve")):
        await invitations.invite(
            brand_id=brand.id,
            event_id=world.events["yoga"],
            guide_id=guide.id,
            member_ids=[world.people[member].id],
            tag_id=None,
            now=before,
        )
    return world


# (who, event, answers); "cancel" as the answers: the member cancels instead.
STEPS: list[tuple[str, str, Any]] = [
    ("ann", "yoga", {"size": "M"}),  # invited by amy: a place; both campaigns
    ("ann", "yoga", {"size": "L"}),  # signed up already: the same registration, nothing new
    ("cat", "yoga", {}),  # no guide: the last place; the member's campaign only
    ("bea", "yoga", {"size": "S"}),  # full: waitlisted first
    ("eve", "yoga", {}),  # invited by bob: waitlisted second
    ("cat", "yoga", "cancel"),  # bea is promoted
    ("cat", "yoga", {}),  # back in line, the same row; no second bonus
    ("dan", "yoga", {}),  # not registered
    ("ann", "gone", {}),  # cancelled
    ("eve", "s1", {}),  # bob's member: not in store S1's audience
    ("ann", "s1", {}),  # amy's member: in it
    ("ann", "later", {}),  # not open yet
    ("bea", "yoga", {"size": "XL"}),  # a choice the event does not offer
]


async def _play(world: World, sign_up: SignUp) -> list[Any]:
    answers: list[Any] = []
    for n, (who, event, given) in enumerate(STEPS):
        now = START + timedelta(minutes=n)
        member_id, event_id = world.people[who].id, world.events[event]
        try:
            if given == "cancel":
                done = await signups.cancel(brand_id=world.brand_id, event_id=event_id, member_id=member_id, now=now)
                answers.append((who, "cancelled", world.name("member", done.promoted and done.promoted.member_id)))
                continue
            registration = await sign_up(
                brand_id=world.brand_id,
                event_id=event_id,
                member_id=member_id,
                answers=given,
                now=now,
                on_step=step_rewards.reward,
            )
        except EventError as exc:
            answers.append((who, exc.code.value, exc.message, exc.field))
            continue
        answers.append((who, event, _registration(world, registration.__dict__)))
    return answers


def _registration(world: World, r: dict[str, Any]) -> tuple[Any, ...]:
    skip = {"id", "brand_id", "_partial", "_saved_in_db", "_custom_generated_pk", "_await_when_save"}
    labels = {"member_id": "member", "event_id": "event", "invited_by_id": "guide"}
    out = []
    for key in sorted(k for k in r if k not in skip and not k.startswith("_")):
        value = r[key]
        if key in labels:
            value = world.name(labels[key], value)
        elif key == "ticket_code":
            value = len(value)
        elif hasattr(value, "value"):
            value = value.value
        out.append((key, value))
    return tuple(out)


async def _rows(world: World) -> dict[str, list[Any]]:
    q = Statement()

    async def read(sql: str) -> list[dict[str, Any]]:
        return await q.conn.execute_query_dict(sql, [world.brand_id])

    registrations = await read("SELECT * FROM registration WHERE brand_id = $1")
    of = {r["id"]: (world.name("event", r["event_id"]), world.name("member", r["member_id"])) for r in registrations}
    entries = await read("SELECT * FROM points_entry WHERE brand_id = $1 ORDER BY member_id, id")
    entry_of = {r["id"]: (world.name("member", r["member_id"]), i) for i, r in enumerate(entries)}
    labels = {"member_id": "member", "guide_id": "guide", "store_id": "store", "campaign_id": "campaign"}
    labels |= {"event_id": "event", "invited_by_id": "guide"}

    def label(key: str, value: Any) -> Any:
        if key in labels:
            return world.name(labels[key], value)
        if key in {"source", "dedupe_key"} and value:
            kind, _, rest = value.partition(":")
            if kind in {"signup", "promoted"}:
                pk, _, at = rest.partition(":")
                return (kind, of[int(pk)], at)
        if key == "step":  # signup:<event>:<member>
            _, event, member = value.split(":")
            return (world.name("event", int(event)), world.name("member", int(member)))
        if key == "event_ref" and value:
            return world.name("event", int(value.partition(":")[2]))
        if key == "ticket_code":
            return len(value)
        if key == "points_entry_id":
            return entry_of.get(value)
        if key == "payload":  # the event's global id differs by brand; its title names it
            shown = json.loads(value) if isinstance(value, str) else value
            return sorted((k, v) for k, v in shown.items() if k not in {"event_id", "page"})
        return value

    def named(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        skip = {"id", "brand_id", "retry_key"}
        return sorted((tuple((k, label(k, r[k])) for k in sorted(r) if k not in skip) for r in rows), key=repr)

    return {
        "registration": named(registrations),
        "event": [
            (r["title"], r["confirmed_count"], r["waitlist_seq"])
            for r in await read("SELECT * FROM event WHERE brand_id = $1 ORDER BY title")
        ],
        "touch": named(await read("SELECT * FROM touch WHERE brand_id = $1 AND kind LIKE 'event%'")),
        "step_reward": named(await read("SELECT * FROM step_reward WHERE brand_id = $1")),
        "points_entry": named(entries),
        "points_account": named(await read("SELECT * FROM points_account WHERE brand_id = $1")),
        "message": named(await read("SELECT * FROM message WHERE brand_id = $1 AND kind = 'waitlist_promoted'")),
    }


async def test_the_one_call_signs_up_as_the_steps_do(db: str) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    one, two = await _world("one"), await _world("two")
    answers_one = await _play(one, signups.sign_up)
    answers_two = await _play(two, signups.sign_up_stepwise)
    assert answers_one == answers_two
    rows_one, rows_two = await _rows(one), await _rows(two)
    for table in rows_one:
        assert rows_one[table] == rows_two[table], table
    # The scenario does what it says (two empty results would compare equal).
    assert [a[1] for a in answers_one if isinstance(a[1], str) and a[1].isupper()] == [
        "MEMBER_NOT_REGISTERED",
        "EVENT_CANCELLED",
        "NOT_IN_AUDIENCE",
        "EVENT_NOT_OPEN",
        "ANSWER_INVALID",
    ]
    assert ("yoga", 2, 3) in rows_one["event"] and ("s1", 1, 0) in rows_one["event"]
    places = {(dict(r)["event_id"], dict(r)["member_id"]): dict(r) for r in rows_one["registration"]}
    assert places[("yoga", "ann")]["invited_by_id"] == "amy"
    assert places[("yoga", "ann")]["answers"] in ({"size": "M"}, '{"size": "M"}')
    assert places[("yoga", "bea")]["status"] == "confirmed"  # promoted
    assert (places[("yoga", "cat")]["status"], places[("yoga", "cat")]["waitlist_position"]) == ("waitlisted", 3)
    touches = {(dict(r)["member_id"], dict(r)["guide_id"], dict(r)["store_id"]) for r in rows_one["touch"]}
    assert {("ann", "amy", "S1"), ("cat", None, None), ("eve", "bob", "S2")} <= touches
    rewarded = sorted((dict(r)["member_id"], dict(r)["points"]) for r in rows_one["step_reward"])
    # Once per member and event (cat's second sign-up earns nothing); amy's for ann twice and bea;
    # the late bonus for every sign-up after it started, not for ann's second tap.
    assert rewarded == [("amy", 10)] * 3 + [("ann", 5), ("ann", 20), ("ann", 20), ("bea", 5), ("bea", 20)] + [
        ("bob", 10),
        ("cat", 5),
        ("cat", 20),
        ("eve", 5),
        ("eve", 20),
    ]
    assert len(rows_one["message"]) == 1


async def test_the_call_refuses_an_event_closed_under_its_lock_and_writes_nothing(db: str) -> None:
    """The caller checked the event before the call; one cancelled or closed meanwhile is refused by
    the call itself (the checks before it cannot see what commits after them)."""
    if db != "postgres":
        pytest.skip("the call exists on PostgreSQL only")
    world = await _world("one")
    ann = world.people["ann"].id
    for event, why in (("gone", "EVENT_CANCELLED"), ("later", "EVENT_NOT_OPEN")):
        async with in_transaction() as conn:
            outcome, registration = await signup_call.take_place(
                conn,
                brand_id=world.brand_id,
                event_id=world.events[event],
                member_id=ann,
                answers={},
                now=START,
                ticket="T0000000000",
                invited_by=None,
            )
        assert (outcome, registration) == (why, None)
    assert await Registration.filter(brand_id=world.brand_id).count() == 0


async def test_a_sign_up_holds_its_event_for_one_call_on_postgresql(db: str, query_log: QueryLog) -> None:
    """Three reads before the transaction (the event, the member, the invitation); inside it the
    step's campaigns (none run here), then the call, which takes the event's lock, then COMMIT."""
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    world = await _world("one")
    for campaign_id in world.names["campaign"]:
        await campaigns.stop(brand_id=world.brand_id, campaign_id=campaign_id, now=START - timedelta(days=1))
    query_log.statements.clear()
    await signups.sign_up(
        brand_id=world.brand_id,
        event_id=world.events["yoga"],
        member_id=world.people["ann"].id,
        answers={},
        now=START,
        on_step=step_rewards.reward,
    )
    tables = [s.split(" FROM ", 1)[1].split()[0].strip('"') for s in query_log.statements]
    assert tables == ["event", "member", "invitation", "(SELECT", "events_sign_up($1,"], query_log.statements
