"""Polls, quizzes and lucky draws during an event: checked-in members answer once; a draw is made
once and can be re-done by anyone from its revealed seed."""

import hashlib
import random

from events.services import interactions
from referral.models import Member, Touch, TouchKind
from schema import ids
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CREATE = """mutation($e: ID!, $i: InteractionInput!) { createEventInteraction(eventId: $e, input: $i) {
  interaction { id seedHash seed tally } errors { code field } } }"""
ANSWER = "mutation($i: ID!, $o: Int!) { answerEventInteraction(id: $i, option: $o) { correct errors { code field } } }"
CLOSE = "mutation($i: ID!) { closeEventInteraction(id: $i) { interaction { tally closedAt } errors { code } } }"
DRAW = """mutation($i: ID!) { drawEventInteraction(id: $i) { interaction { seed seedHash candidateIds winnerIds }
  errors { code } } }"""
RECIPE = """mutation($i: ID!) { drawEventInteraction(id: $i) {
  interaction { seed seedHash candidateIds winnerIds prizeCount } errors { code } } }"""
LIST = "query($e: ID!) { eventInteractions(eventId: $e) { question tally correctOption } }"
TICKET = "mutation($t: String!) { checkInTicket(ticket: $t) { errors { code } } }"


async def crowd(client, town, settings, event, n: int) -> list[tuple[Member, str]]:
    """n members signed up and checked in, plus their tokens."""
    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    people = []
    for i in range(n):
        member, token = await mother(town, f"m{i}")
        ticket = (await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token))[
            "registration"
        ]["ticketCode"]
        people.append((member, token, ticket))
    town["clock"].now = event.starts_at
    for _, _, ticket in people:
        assert (await client.mutate("checkInTicket", TICKET, {"t": ticket}, token=guide_token))["errors"] == []
    return [(m, t) for m, t, _ in people]


async def test_a_quiz_is_answered_once_by_those_present(client, town, settings) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    _, absent_token = await mother(town, "absent")
    await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=absent_token)
    people = await crowd(client, town, settings, event, 3)
    quiz = await client.mutate(
        "createEventInteraction",
        CREATE,
        {
            "e": eid(event),
            "i": {
                "kind": "QUIZ",
                "question": "How many feeds a day at 3 months?",
                "options": ["2-3", "5-7", "12"],
                "correctOption": 1,
            },
        },
        token=town["hq"],
    )
    qid = quiz["interaction"]["id"]
    answers = [
        await client.mutate("answerEventInteraction", ANSWER, {"i": qid, "o": o}, token=t)
        for (_, t), o in zip(people, (1, 1, 0))
    ]
    assert [a["correct"] for a in answers] == [True, True, False]
    again = await client.mutate("answerEventInteraction", ANSWER, {"i": qid, "o": 0}, token=people[0][1])
    assert again["errors"] == [{"code": "ALREADY_ANSWERED", "field": "interactionId"}]
    absent = await client.mutate("answerEventInteraction", ANSWER, {"i": qid, "o": 1}, token=absent_token)
    assert absent["errors"] == [{"code": "NOT_CHECKED_IN", "field": "interactionId"}]
    bad = await client.mutate("answerEventInteraction", ANSWER, {"i": qid, "o": 7}, token=people[1][1])
    assert bad["errors"] == [{"code": "INTERACTION_INVALID", "field": "option"}]
    # Members see neither the tally nor the answer until it closes.
    assert (await client.ok(LIST, {"e": eid(event)}, token=absent_token))["eventInteractions"] == [
        {"question": "How many feeds a day at 3 months?", "tally": None, "correctOption": None}
    ]
    closed = await client.mutate("closeEventInteraction", CLOSE, {"i": qid}, token=town["hq"])
    assert closed["interaction"]["tally"] == [1, 2, 0]
    late = await client.mutate("answerEventInteraction", ANSWER, {"i": qid, "o": 1}, token=people[2][1])
    assert late["errors"] == [{"code": "INTERACTION_CLOSED", "field": "interactionId"}]
    assert (await client.ok(LIST, {"e": eid(event)}, token=absent_token))["eventInteractions"][0]["correctOption"] == 1
    assert await Touch.filter(kind=TouchKind.EVENT_INTERACTION).count() == 3


async def test_the_lucky_draw_is_made_once_and_can_be_redone_from_its_seed(client, town, settings) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    people = await crowd(client, town, settings, event, 6)
    made = await client.mutate(
        "createEventInteraction",
        CREATE,
        {"e": eid(event), "i": {"kind": "DRAW", "question": "Stroller giveaway", "prizeCount": 2}},
        token=town["hq"],
    )
    assert made["errors"] == [] and made["interaction"]["seed"] is None and len(made["interaction"]["seedHash"]) == 64
    did = made["interaction"]["id"]

    drawn = (await client.mutate("drawEventInteraction", DRAW, {"i": did}, token=town["hq"]))["interaction"]
    again = await client.mutate("drawEventInteraction", DRAW, {"i": did}, token=town["hq"])
    assert again["errors"] == [{"code": "ALREADY_DRAWN"}]
    # The audit: the revealed seed matches the commitment, and re-running the draw gives the winners.
    assert hashlib.sha256(drawn["seed"].encode()).hexdigest() == made["interaction"]["seedHash"]
    candidates = [ids.decode(c, "Member") for c in drawn["candidateIds"]]
    assert sorted(candidates) == sorted(m.id for m, _ in people)
    winners = [ids.decode(w, "Member") for w in drawn["winnerIds"]]
    assert len(set(winners)) == 2 and interactions.replay_draw(drawn["seed"], candidates, 2) == winners


async def test_bad_interactions_are_refused(client, town) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    for body, field in (
        ({"kind": "POLL", "question": "Q", "options": ["only one"]}, "options"),
        ({"kind": "QUIZ", "question": "Q", "options": ["a", "b"]}, "correctOption"),
        ({"kind": "QUIZ", "question": "Q", "options": ["a", "b"], "correctOption": 5}, "correctOption"),
        ({"kind": "DRAW", "question": "Prize", "prizeCount": 0}, "prizeCount"),
        ({"kind": "POLL", "question": " ", "options": ["a", "b"]}, "question"),
    ):
        refused = await client.mutate("createEventInteraction", CREATE, {"e": eid(event), "i": body}, token=town["hq"])
        assert refused["interaction"] is None and [e["field"] for e in refused["errors"]] == [field]


async def test_the_readme_recipe_replays_draws_from_api_output_alone(client, town, settings) -> None:
    """Member numbers cross from one digit to two, where opaque IDs sort differently from numbers:
    an auditor following the recipe must still get every draw's winners."""
    event = await factories.event(town["brand"], now=town["clock"].now)
    people = await crowd(client, town, settings, event, 12)
    assert min(m.id for m, _ in people) < 10 <= max(m.id for m, _ in people)
    sorted_differently = 0
    for n in range(12):
        made = await client.mutate(
            "createEventInteraction",
            CREATE,
            {"e": eid(event), "i": {"kind": "DRAW", "question": f"Prize {n}", "prizeCount": 1 + n % 3}},
            token=town["hq"],
        )
        drawn = await client.mutate("drawEventInteraction", RECIPE, {"i": made["interaction"]["id"]}, token=town["hq"])
        d = drawn["interaction"]
        # The recipe, as the README prints it.
        assert hashlib.sha256(d["seed"].encode()).hexdigest() == d["seedHash"]
        picked = random.Random(d["seed"]).sample(
            range(len(d["candidateIds"])), min(d["prizeCount"], len(d["candidateIds"]))
        )
        assert [d["candidateIds"][i] for i in picked] == d["winnerIds"]
        # The old recipe sorted the opaque IDs, and named someone else.
        old = random.Random(d["seed"]).sample(sorted(d["candidateIds"]), d["prizeCount"])
        sorted_differently += old != d["winnerIds"]
    assert sorted_differently > 0
