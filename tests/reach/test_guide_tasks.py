"""Guides as the channel: HQ turns a segment into tasks for each member's guide; a guide sees and
closes only their own, and tasks done count in their figures; a guide messages only their own
members, with consent, a few times a day at most."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from access.models import StaffRole
from reach.models import GuideTask
from referral.models import IdentityProvider, Member, Message, MessageKind, Touch, TouchKind
from schema import ids
from tests import factories
from tests.reach.broadcasting import gid, person, segment

TASKS = """mutation($s: ID!, $t: String!, $n: String, $d: DateTime, $k: String) {
  createGuideTasks(segmentId: $s, title: $t, note: $n, dueAt: $d, idempotencyKey: $k) {
  taskList { title assigned unassigned } errors { code field } } }"""
MINE = "query($s: TaskStatus) { myTasks(status: $s) { nodes { id title note status outcome member { id } } } }"
DONE = """mutation($t: ID!, $o: TaskOutcome!, $n: String) { completeTask(taskId: $t, outcome: $o, note: $n) {
  task { status outcome outcomeNote } errors { code field } } }"""
MESSAGE = """mutation($m: ID!, $t: String!, $k: String) { messageMyMember(memberId: $m, text: $t, idempotencyKey: $k) {
  route errors { code field } } }"""
BOARD = """query($f: DateTime!, $t: DateTime!) { leaderboard(from: $f, to: $t, metric: TASKS_DONE) {
  key tasksDone tasksFollowedByPurchase } }"""


async def _cast(town, settings) -> dict:
    other_store = await factories.store(town["brand"], "S2")
    bo = await factories.guide(town["brand"], other_store, "bo")
    await Member.filter(id=town["guide"].member_id).update(display_name="Amy")
    return {
        "a1": await person(town, "a1", IdentityProvider.LINE),
        "a2": await person(town, "a2", IdentityProvider.LINE, consents=False),
        "b1": await person(town, "b1", IdentityProvider.LINE, via=bo.invite_code),
        "none": await person(town, "none", IdentityProvider.LINE, via=""),
        "amy": factories.member_token(settings, await Member.get(id=town["guide"].member_id)),
        "bo": factories.member_token(settings, await Member.get(id=bo.member_id)),
        "bo_guide": bo,
        "manager": factories.staff_token(
            settings, await factories.staff(town["brand"], "mgr2", StaffRole.STORE_MANAGER, other_store)
        ),
    }


async def test_a_segment_becomes_one_task_per_member_for_their_own_guide(client, town, settings) -> None:
    cast = await _cast(town, settings)
    everyone = await segment(client, town)
    due = (town["clock"].now + timedelta(days=3)).isoformat()
    variables = {"s": everyone, "t": "Call about stage 2", "n": "Offer the gift can", "d": due, "k": "tasks-0000001"}

    made = await client.mutate("createGuideTasks", TASKS, variables, token=town["hq"])
    again = await client.mutate("createGuideTasks", TASKS, variables, token=town["hq"])
    store = await client.mutate(
        "createGuideTasks", TASKS, {"s": everyone, "t": "Visit", "k": "tasks-0000002"}, token=cast["manager"]
    )

    assert (
        made
        == again
        == {
            "taskList": {"title": "Call about stage 2", "assigned": 3, "unassigned": 1},
            "errors": [],
        }
    )
    # A store manager's segment is their store's members: Bo's only.
    assert store["taskList"] == {"title": "Visit", "assigned": 1, "unassigned": 0}
    amy = (await client.ok(MINE, token=cast["amy"]))["myTasks"]["nodes"]
    bo = (await client.ok(MINE, token=cast["bo"]))["myTasks"]["nodes"]
    assert sorted(t["member"]["id"] for t in amy) == sorted(
        [gid("Member", cast["a1"].id), gid("Member", cast["a2"].id)]
    )
    assert [(t["title"], t["member"]["id"]) for t in bo] == [
        ("Call about stage 2", gid("Member", cast["b1"].id)),
        ("Visit", gid("Member", cast["b1"].id)),
    ]
    assert await GuideTask.all().count() == 4


async def test_a_guide_closes_their_own_tasks_and_they_count_on_the_leaderboard(client, town, settings) -> None:
    cast = await _cast(town, settings)
    await client.mutate("createGuideTasks", TASKS, {"s": await segment(client, town), "t": "Call"}, token=town["hq"])
    [first, second] = (await client.ok(MINE, token=cast["amy"]))["myTasks"]["nodes"]

    done = await client.mutate(
        "completeTask", DONE, {"t": first["id"], "o": "BOUGHT", "n": "Took two"}, token=cast["amy"]
    )
    retried = await client.mutate("completeTask", DONE, {"t": first["id"], "o": "BOUGHT"}, token=cast["amy"])
    changed = await client.mutate("completeTask", DONE, {"t": first["id"], "o": "NO_ANSWER"}, token=cast["amy"])
    not_hers = await client.mutate("completeTask", DONE, {"t": second["id"], "o": "REACHED"}, token=cast["bo"])

    assert done == {"task": {"status": "DONE", "outcome": "BOUGHT", "outcomeNote": "Took two"}, "errors": []}
    assert retried["task"] == done["task"]
    assert changed == {"task": None, "errors": [{"code": "TASK_ALREADY_DONE", "field": "taskId"}]}
    assert not_hers == {"task": None, "errors": [{"code": "TASK_NOT_FOUND", "field": "taskId"}]}
    open_now = (await client.ok(MINE, token=cast["amy"]))["myTasks"]["nodes"]
    assert [t["id"] for t in open_now] == [second["id"]]
    period = {
        "f": (town["clock"].now - timedelta(days=1)).isoformat(),
        "t": (town["clock"].now + timedelta(days=1)).isoformat(),
    }
    board = (await client.ok(BOARD, period, token=town["hq"]))["leaderboard"]
    assert board[0] == {"key": gid("Guide", town["guide"].id), "tasksDone": 1, "tasksFollowedByPurchase": 0}

    # What followed: the first task's member buys 13 days later (counts), the second's 15 days
    # after their task (does not: the window is 14 days).
    later = await client.mutate("completeTask", DONE, {"t": second["id"], "o": "REACHED"}, token=cast["amy"])
    assert later["errors"] == []
    tasks = {t.id: t for t in await GuideTask.all()}
    for task_id, days in ((first["id"], 13), (second["id"], 15)):
        task = tasks[ids.decode(task_id, "GuideTask")]
        await Touch.create(
            brand_id=town["brand"].id,
            member_id=task.member_id,
            kind=TouchKind.PURCHASE,
            occurred_at=town["clock"].now + timedelta(days=days),
            amount_cents=29_900,
            source=f"test:{task.id}",
        )
    board = (await client.ok(BOARD, period, token=town["hq"]))["leaderboard"]
    assert board[0] == {"key": gid("Guide", town["guide"].id), "tasksDone": 2, "tasksFollowedByPurchase": 1}


async def test_a_guide_messages_only_their_own_members_with_consent_and_within_the_daily_limit(
    client, town, settings, deliver, upstream
) -> None:
    cast = await _cast(town, settings)
    a1 = gid("Member", cast["a1"].id)

    first = await client.mutate(
        "messageMyMember", MESSAGE, {"m": a1, "t": "Stage 2 is in!", "k": "msg-00000001"}, token=cast["amy"]
    )
    retried = await client.mutate(
        "messageMyMember", MESSAGE, {"m": a1, "t": "Stage 2 is in!", "k": "msg-00000001"}, token=cast["amy"]
    )
    await deliver.run_once()

    assert first == retried == {"route": "LINE", "errors": []}
    [pushed] = upstream.line_pushed
    assert pushed["to"] == "line-a1" and pushed["messages"][0]["text"] == "Amy\nStage 2 is in!"
    for member, token, code in (
        (cast["b1"], cast["amy"], "MEMBER_NOT_YOURS"),
        (cast["a2"], cast["amy"], "NO_MARKETING_CONSENT"),
        (cast["a1"], cast["bo"], "MEMBER_NOT_YOURS"),
    ):
        refused = await client.mutate(
            "messageMyMember", MESSAGE, {"m": gid("Member", member.id), "t": "Hi"}, token=token
        )
        assert refused == {"route": None, "errors": [{"code": code, "field": "memberId"}]}
    for _ in range(2):
        assert (await client.mutate("messageMyMember", MESSAGE, {"m": a1, "t": "Hi"}, token=cast["amy"]))[
            "errors"
        ] == []
    over = await client.mutate("messageMyMember", MESSAGE, {"m": a1, "t": "Hi"}, token=cast["amy"])
    assert over["errors"] == [{"code": "MESSAGE_LIMIT_REACHED", "field": "memberId"}]
    assert await Message.filter(kind=MessageKind.GUIDE_MESSAGE).count() == 3
    town["clock"].advance(hours=25)
    assert (await client.mutate("messageMyMember", MESSAGE, {"m": a1, "t": "Hi"}, token=cast["amy"]))["errors"] == []
    empty = await client.mutate("messageMyMember", MESSAGE, {"m": a1, "t": "  "}, token=cast["amy"])
    assert empty["errors"] == [{"code": "MESSAGE_INVALID", "field": "text"}]


async def test_racing_messages_to_one_member_keep_the_daily_limit(client, town, settings) -> None:
    """Six sends at once, each its own request: the member's row lock orders them, three go."""
    cast = await _cast(town, settings)
    a1 = gid("Member", cast["a1"].id)
    answers = await asyncio.gather(
        *(
            client.mutate(
                "messageMyMember", MESSAGE, {"m": a1, "t": f"Hi {i}", "k": f"race-{i:08d}"}, token=cast["amy"]
            )
            for i in range(6)
        )
    )
    codes = sorted(e["code"] for a in answers for e in a["errors"])
    assert codes == ["MESSAGE_LIMIT_REACHED"] * 3
    assert await Message.filter(kind=MessageKind.GUIDE_MESSAGE).count() == 3
