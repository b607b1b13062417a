"""Sign-ups: capacity holds under any concurrency, the waitlist keeps its order, cancelling promotes."""

import asyncio
from datetime import timedelta

import pytest

from events.models import Audience, Event, Invitation, Registration, RegistrationStatus
from referral.models import Member, Touch, TouchKind
from referral.services import tags
from schema import ids
from server import invariants
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CANCEL = """mutation($e: ID!) { cancelEventSignUp(eventId: $e) { registration { status } errors { code field } } }"""
INVITE = """mutation($e: ID!, $m: [ID!], $t: ID) { inviteToEvent(eventId: $e, memberIds: $m, tagId: $t) { invited errors { code field } } }"""
CREATE = (
    """mutation($i: EventInput!) { createEvent(input: $i) { event { id status placesLeft } errors { code field } } }"""
)


async def test_capacity_30_and_300_racing_sign_ups(client, town) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now, capacity=30)
    people = [await mother(town, f"m{i}") for i in range(270)]
    # 300 requests: every member once, and 30 of them twice (a double tap).
    tokens = [token for _, token in people] + [token for _, token in people[:30]]
    results = await asyncio.gather(
        *(client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=t) for t in tokens)
    )

    assert all(r["errors"] == [] for r in results), [r["errors"] for r in results if r["errors"]][:3]
    rows = await Registration.filter(event_id=event.id)
    assert len(rows) == 270 and len({r.member_id for r in rows}) == 270
    confirmed = [r for r in rows if r.status is RegistrationStatus.CONFIRMED]
    waiting = sorted(r.waitlist_position for r in rows if r.status is RegistrationStatus.WAITLISTED)
    assert len(confirmed) == 30 and waiting == list(range(1, 241))
    assert (await Event.get(id=event.id)).confirmed_count == 30
    # Each double tap got the same registration back.
    by_token = {}
    for token, result in zip(tokens, results):
        by_token.setdefault(token, set()).add(result["registration"]["id"])
    assert all(len(v) == 1 for v in by_token.values())

    # Five confirmed members cancel at once: the first five on the waitlist move up, in order.
    leaving = [t for t, r in zip(tokens[:270], results) if r["registration"]["status"] == "CONFIRMED"][:5]
    cancelled = await asyncio.gather(
        *(client.mutate("cancelEventSignUp", CANCEL, {"e": eid(event)}, token=t) for t in leaving)
    )
    assert all(c["registration"]["status"] == "CANCELLED" for c in cancelled)
    rows = await Registration.filter(event_id=event.id)
    promoted = sorted(
        r.waitlist_position for r in rows if r.status is RegistrationStatus.CONFIRMED and r.waitlist_position
    )
    assert promoted == [1, 2, 3, 4, 5]
    assert (
        sum(r.status is RegistrationStatus.CONFIRMED for r in rows)
        == 30
        == (await Event.get(id=event.id)).confirmed_count
    )
    # Leaving the waitlist frees no place and promotes nobody.
    last = next(t for t, r in zip(tokens[:270], results) if r["registration"]["waitlistPosition"] == 240)
    await client.mutate("cancelEventSignUp", CANCEL, {"e": eid(event)}, token=last)
    assert await Registration.filter(event_id=event.id, status=RegistrationStatus.CONFIRMED).count() == 30
    assert await invariants.violations() == []


async def test_questions_are_checked_and_the_invitation_credits_the_guide(client, town, settings) -> None:
    event = await factories.event(
        town["brand"],
        now=town["clock"].now,
        questions=[
            {
                "key": "baby_age_months",
                "label": "Baby's age (months)",
                "kind": "int",
                "required": True,
                "min": 0,
                "max": 72,
            },
            {"key": "size", "label": "T-shirt", "kind": "choice", "choices": ["S", "M", "L"]},
        ],
    )
    mum, token = await mother(town, "mum", via=town["guide"].invite_code)
    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    invited = await client.mutate(
        "inviteToEvent", INVITE, {"e": eid(event), "m": [ids.encode("Member", mum.id)], "t": None}, token=guide_token
    )
    again = await client.mutate(
        "inviteToEvent", INVITE, {"e": eid(event), "m": [ids.encode("Member", mum.id)], "t": None}, token=guide_token
    )
    assert (invited, again) == ({"invited": 1, "errors": []}, {"invited": 0, "errors": []})
    stranger, _ = await mother(town, "stranger")
    refused = await client.mutate(
        "inviteToEvent",
        INVITE,
        {"e": eid(event), "m": [ids.encode("Member", stranger.id)], "t": None},
        token=guide_token,
    )
    assert refused["errors"] == [{"code": "NOT_YOUR_MEMBER", "field": "memberIds"}]

    for answers, field in (
        ({}, "baby_age_months"),
        ({"baby_age_months": 99}, "baby_age_months"),
        ({"baby_age_months": 6, "size": "XL"}, "size"),
        ({"baby_age_months": 6, "pet": "cat"}, "pet"),
    ):
        bad = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": answers}, token=token)
        assert bad["errors"] == [{"code": "ANSWER_INVALID", "field": field}]
    assert await Registration.all().count() == 0

    ok = await client.mutate(
        "signUpForEvent", SIGN_UP, {"e": eid(event), "a": {"baby_age_months": 6, "size": "M"}}, token=token
    )
    assert ok["errors"] == [] and ok["registration"]["answers"] == {"baby_age_months": 6, "size": "M"}
    assert ok["registration"]["invitedByGuideId"] == ids.encode("Guide", town["guide"].id)
    touch = await Touch.get(kind=TouchKind.EVENT_SIGN_UP)
    assert (touch.guide_id, touch.event_ref) == (town["guide"].id, f"event:{event.id}")


async def test_audience_windows_and_cancelled_events(client, town) -> None:
    vip = await tags.create(brand_id=town["brand"].id, name="VIP")
    for_vips = await factories.event(
        town["brand"], now=town["clock"].now, audience=Audience.TAG, audience_tag_id=vip.id
    )
    mum, token = await mother(town, "mum")
    refused = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(for_vips), "a": None}, token=token)
    assert refused["errors"] == [{"code": "NOT_IN_AUDIENCE", "field": "eventId"}]
    visible = await client.ok("{ upcomingEvents { nodes { title } } }", token=token)
    assert visible["upcomingEvents"]["nodes"] == []
    await tags.attach(brand_id=town["brand"].id, member_id=mum.id, tag_id=vip.id)
    assert (await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(for_vips), "a": None}, token=token))[
        "errors"
    ] == []
    assert len((await client.ok("{ upcomingEvents { nodes { title } } }", token=token))["upcomingEvents"]["nodes"]) == 1

    later = town["clock"].now + timedelta(days=30)
    not_yet = await factories.event(
        town["brand"],
        now=town["clock"].now,
        signup_opens_at=later,
        starts_at=later + timedelta(days=5),
        ends_at=later + timedelta(days=5, hours=2),
    )
    closed = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(not_yet), "a": None}, token=token)
    assert closed["errors"] == [{"code": "EVENT_NOT_OPEN", "field": "eventId"}]
    await client.mutate(
        "cancelEvent",
        "mutation($e: ID!) { cancelEvent(id: $e) { errors { code } } }",
        {"e": eid(not_yet)},
        token=town["hq"],
    )
    off = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(not_yet), "a": None}, token=token)
    assert off["errors"] == [{"code": "EVENT_CANCELLED", "field": "eventId"}]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"endsAt": "2030-01-10T01:00:00Z"}, "endsAt"),
        ({"place": None}, "place"),
        ({"coverUrl": "http://insecure.example/x.png"}, "coverUrl"),
        ({"audience": "TAG"}, "audienceTagId"),
        ({"questions": [{"key": "Bad Key", "label": "x", "kind": "int"}]}, "questions"),
    ],
)
async def test_bad_events_are_refused_and_create_nothing(client, town, change, field) -> None:
    event = {
        "title": "Baby yoga",
        "startsAt": "2030-01-10T02:00:00Z",
        "endsAt": "2030-01-10T04:00:00Z",
        "capacity": 20,
        "place": "Store",
        **change,
    }
    made = await client.mutate("createEvent", CREATE, {"i": event}, token=town["hq"])
    assert made["event"] is None and [e["field"] for e in made["errors"]] == [field]
    assert await Event.all().count() == 0


async def test_a_guide_invites_every_member_of_theirs_with_a_tag(client, town, settings) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    tag = (
        await client.mutate(
            "createTag", 'mutation { createTag(name: "twins") { tag { id } errors { code } } }', token=town["hq"]
        )
    )["tag"]["id"]
    other_guide = await factories.guide(town["brand"], town["store"], "other-guide")
    tagged = [await mother(town, f"mum{i}", via=town["guide"].invite_code) for i in range(2)]
    tagged.append(await mother(town, "not-ours", via=other_guide.invite_code))
    await mother(town, "untagged", via=town["guide"].invite_code)
    for member, _ in tagged:
        done = await client.mutate(
            "tagMember",
            "mutation($m: ID!, $t: ID!) { tagMember(memberId: $m, tagId: $t) { errors { code } } }",
            {"m": ids.encode("Member", member.id), "t": tag},
            token=town["hq"],
        )
        assert done["errors"] == []
    invited = await client.mutate("inviteToEvent", INVITE, {"e": eid(event), "m": None, "t": tag}, token=guide_token)
    assert invited == {"invited": 2, "errors": []}
    assert sorted(await Invitation.filter(event_id=event.id).values_list("member_id", flat=True)) == sorted(
        m.id for m, _ in tagged[:2]
    )
    unknown = await client.mutate(
        "inviteToEvent", INVITE, {"e": eid(event), "m": None, "t": ids.encode("Tag", 999)}, token=guide_token
    )
    assert unknown == {"invited": 0, "errors": [{"code": "TAG_NOT_FOUND", "field": "tagId"}]}
