"""Journeys: the two reference journeys installed from their JSON files (data, no code) run end to end;
a member enters once per occurrence of the trigger; re-runs and racing runners do nothing twice;
waits and conditions; bad definitions are typed errors."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from loyalty.models import Claim, Coupon, CouponKind
from loyalty.services import batches, coupons
from reach import journeys
from reach.models import GuideTask, JourneyRun, RunStatus
from referral.models import IdentityProvider, Member, Message, MessageKind
from tests.reach.broadcasting import person

REFERENCE = Path(journeys.__file__).parent / "reference_journeys"
SAVE = """mutation($n: String!, $d: JSON!, $id: ID) { saveJourney(name: $n, definition: $d, journeyId: $id) {
  journey { id name active runs { active done exited } } errors { code field message } } }"""


async def install(client, town, file: str) -> dict:
    data = json.loads((REFERENCE / file).read_text(encoding="utf-8"))
    definition = {"trigger": data["trigger"], "steps": data["steps"]}
    saved = await client.mutate("saveJourney", SAVE, {"n": data["name"], "d": definition}, token=town["hq"])
    assert saved["errors"] == [], saved
    return saved["journey"]


async def templates(town) -> None:
    for name in ("Stage 2 trial can", "Welcome back gift"):
        await coupons.create_template(brand_id=town["brand"].id, name=name, kind=CouponKind.GIFT, valid_days=30)


async def test_next_stage_due_gives_the_guide_a_task_and_the_member_a_coupon_when_the_baby_turns_6_months(
    client, town
) -> None:
    await templates(town)
    now = town["clock"].now  # 2026-06-01 09:00 UTC, 17:00 in Shanghai
    due = await person(town, "due", IdentityProvider.LINE)
    older = await person(town, "older", IdentityProvider.LINE)
    await Member.filter(id=due.id).update(
        baby_birth_date=(now - timedelta(days=180)).date().replace(day=3, month=12, year=2025)
    )
    await Member.filter(id=older.id).update(baby_birth_date=now.date().replace(year=2025, month=10, day=1))
    journey = await install(client, town, "next_stage_due.json")

    assert await journeys.run(now=now) == {"entered": 0}
    town["clock"].advance(days=2)  # 3 June: the baby born 3 December turns 6 months
    first = await journeys.run(now=town["clock"].now)
    again = await journeys.run(now=town["clock"].now)

    assert first == {"entered": 1, "maketask": 1, "givecoupon": 1, "done": 1} and again == {"entered": 0}
    [task] = await GuideTask.all()
    assert (task.guide_id, task.member_id, task.title) == (
        town["guide"].id,
        due.id,
        "Baby turns 6 months: talk about stage 2",
    )
    assert task.due_at == town["clock"].now + timedelta(days=3)
    assert [c.member_id for c in await Coupon.all()] == [due.id]
    runs = await client.ok(
        "query($id: ID!) { node(id: $id) { ... on Journey { runs { active done exited } } } }",
        {"id": journey["id"]},
        token=town["hq"],
    )
    assert runs["node"]["runs"] == {"active": 0, "done": 1, "exited": 0}


async def test_lapsed_messages_and_gives_a_coupon_once_per_lapse(client, town) -> None:
    await templates(town)
    now = town["clock"].now
    batch = await batches.create(
        brand_id=town["brand"].id,
        key_id=1,
        sku="MILK",
        product_name="Milk",
        quantity=100,
        price_cents=100,
        points_per_item=1,
    )
    await Member.filter(id=town["guide"].member_id).update(display_name="Amy")
    lapsing = await person(town, "lapsing", IdentityProvider.LINE, name="Lin")
    serial = iter(range(1, 100))

    async def bought(member: Member, days_ago: float) -> None:
        await Claim.create(
            brand_id=town["brand"].id,
            batch_id=batch.id,
            serial=next(serial),
            member_id=member.id,
            claimed_at=town["clock"].now - timedelta(days=days_ago),
            points=1,
        )

    await bought(lapsing, 80)
    await bought(lapsing, 59)
    await install(client, town, "lapsed.json")
    assert await journeys.run(now=now) == {"entered": 0}

    town["clock"].advance(days=2)
    assert await journeys.run(now=town["clock"].now) == {"entered": 1, "send": 1, "givecoupon": 1, "done": 1}
    [message] = await Message.filter(kind=MessageKind.BROADCAST)
    assert (message.payload["title"], message.payload["body"]) == (
        "We miss you, Lin",
        "Amy has kept a welcome-back gift for you: open the mini-program to see it.",
    )
    assert await Coupon.filter(member_id=lapsing.id).count() == 1
    # Buying again and lapsing again is a new occurrence: a second run, a second gift.
    town["clock"].advance(days=1)
    await bought(lapsing, 0)
    town["clock"].advance(days=61)
    assert (await journeys.run(now=town["clock"].now))["entered"] == 1
    assert await JourneyRun.filter(member_id=lapsing.id).count() == 2


async def test_racing_runners_run_each_step_once(client, town) -> None:
    await templates(town)
    for i in range(6):
        member = await person(town, f"m{i}", IdentityProvider.LINE)
        await Member.filter(id=member.id).update(
            baby_birth_date=town["clock"].now.date().replace(year=2025, month=12, day=3)
        )
    await install(client, town, "next_stage_due.json")
    town["clock"].advance(days=2)

    await asyncio.gather(*(journeys.run(now=town["clock"].now) for _ in range(3)))

    assert await JourneyRun.filter(status=RunStatus.DONE).count() == 6
    assert await GuideTask.all().count() == 6 and await Coupon.all().count() == 6


async def test_a_wait_then_a_condition_lets_only_the_members_it_holds_for_go_on(client, town) -> None:
    yes = await person(town, "yes", IdentityProvider.LINE)
    await person(town, "no", IdentityProvider.LINE, consents=False)
    definition = {
        "trigger": {"kind": "registered"},
        "steps": [
            {"kind": "wait", "days": 2},
            {"kind": "if", "condition": {"kind": "MarketingConsent"}},
            {"kind": "message", "title": "Hello {name}", "body": "Two days with us!"},
        ],
    }
    # The two registered (at the machine's time) after the journey was switched on (at the test clock's).
    saved = await client.mutate("saveJourney", SAVE, {"n": "Welcome", "d": definition}, token=town["hq"])
    assert saved["errors"] == []
    assert await journeys.run(now=town["clock"].now) == {"entered": 2, "wait": 2}
    assert await journeys.run(now=town["clock"].now + timedelta(days=1)) == {"entered": 0}
    after = await journeys.run(now=town["clock"].now + timedelta(days=2))
    assert after == {"entered": 0, "check": 1, "exit": 1, "send": 1, "done": 1}
    [message] = await Message.filter(kind=MessageKind.BROADCAST)
    assert message.member_id == yes.id and message.payload["title"] == "Hello Yes"


BAD = [
    ({"trigger": {"kind": "born"}, "steps": [{"kind": "wait", "days": 1}]}, "Unknown trigger"),
    ({"trigger": {"kind": "baby_age_months"}, "steps": [{"kind": "wait", "days": 1}]}, "needs months"),
    ({"trigger": {"kind": "registered"}, "steps": []}, "1-20 steps"),
    ({"trigger": {"kind": "registered"}, "steps": [{"kind": "wait", "hours": 0}]}, "1 hour to 365 days"),
    ({"trigger": {"kind": "registered"}, "steps": [{"kind": "coupon", "template": "Nope"}]}, "no coupon template"),
    (
        {"trigger": {"kind": "registered"}, "steps": [{"kind": "message", "title": "Hi {nme}", "body": "x"}]},
        "placeholder",
    ),
    (
        {"trigger": {"kind": "registered"}, "steps": [{"kind": "if", "condition": {"kind": "AllOf", "parts": []}}]},
        "Step 1",
    ),
    ({"trigger": {"kind": "registered"}, "steps": [{"kind": "dance"}]}, "a step is one of"),
    ("not an object", "A journey is"),
]


@pytest.mark.parametrize(("definition", "says"), BAD)
async def test_bad_definitions_are_typed_errors(client, town, definition, says) -> None:
    saved = await client.mutate("saveJourney", SAVE, {"n": "Bad", "d": definition}, token=town["hq"])
    assert saved["journey"] is None and [e["code"] for e in saved["errors"]] == ["JOURNEY_INVALID"]
    assert says in saved["errors"][0]["message"]


async def test_steps_cannot_change_once_members_are_in_and_names_are_unique(client, town) -> None:
    await person(town, "m", IdentityProvider.LINE)
    welcome = {"trigger": {"kind": "registered"}, "steps": [{"kind": "message", "title": "Hi", "body": "Welcome"}]}
    saved = (await client.mutate("saveJourney", SAVE, {"n": "Welcome", "d": welcome}, token=town["hq"]))["journey"]
    twin = await client.mutate("saveJourney", SAVE, {"n": "Welcome", "d": welcome}, token=town["hq"])
    assert [e["code"] for e in twin["errors"]] == ["JOURNEY_NAME_TAKEN"]
    assert (await journeys.run(now=town["clock"].now))["entered"] == 1
    changed = {**welcome, "steps": [{"kind": "message", "title": "Hey", "body": "Welcome"}]}
    refused = await client.mutate(
        "saveJourney", SAVE, {"n": "Welcome", "d": changed, "id": saved["id"]}, token=town["hq"]
    )
    assert [e["code"] for e in refused["errors"]] == ["JOURNEY_HAS_RUNS"]
    renamed = await client.mutate(
        "saveJourney", SAVE, {"n": "Hello", "d": welcome, "id": saved["id"]}, token=town["hq"]
    )
    assert renamed["journey"] == {**saved, "name": "Hello", "runs": {"active": 0, "done": 1, "exited": 0}}
