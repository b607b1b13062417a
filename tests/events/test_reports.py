"""Event figures for HQ: sign-ups, check-ins, no-shows and purchases after the event, by event,
store and inviting guide, checked figure by figure."""

from datetime import timedelta

from referral.models import Member, TouchKind
from referral.services import touches
from schema import ids
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CHECK_IN = "mutation($t: String!) { checkInTicket(ticket: $t) { errors { code } } }"
INVITE = "mutation($e: ID!, $m: [ID!]) { inviteToEvent(eventId: $e, memberIds: $m) { invited errors { code } } }"
REPORT = """query($by: EventDimension!) { eventAttribution(from: "2026-01-01T00:00:00Z", to: "2028-01-01T00:00:00Z", by: $by,
  conversionDays: 7) { key signUps confirmed waitlisted cancelled checkedIn noShows converted } }"""


async def test_event_figures_by_event_store_and_guide(client, town, settings) -> None:
    clock = town["clock"]
    event = await factories.event(town["brand"], town["store"], now=clock.now, capacity=2)
    hq_event = await factories.event(town["brand"], now=clock.now, title="HQ talk")
    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    invited, invited_token = await mother(town, "invited", via=town["guide"].invite_code)
    assert (
        await client.mutate(
            "inviteToEvent", INVITE, {"e": eid(event), "m": [ids.encode("Member", invited.id)]}, token=guide_token
        )
    )["invited"] == 1
    buyer, buyer_token = await mother(town, "buyer")
    _, absent_token = await mother(town, "absent")
    tickets = {}
    for token in (invited_token, buyer_token, absent_token):  # capacity 2: the third waits
        signed = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
        tickets[token] = signed["registration"]["ticketCode"]
    await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(hq_event), "a": None}, token=absent_token)

    clock.now = event.starts_at
    for token in (invited_token, buyer_token):
        assert (await client.mutate("checkInTicket", CHECK_IN, {"t": tickets[token]}, token=guide_token))[
            "errors"
        ] == []
    # The buyer buys three days later (counts); the invited member only after two weeks (does not).
    await touches.record(
        brand_id=town["brand"].id,
        member_id=buyer.id,
        kind=TouchKind.PURCHASE,
        at=event.starts_at + timedelta(days=3),
        amount_cents=29_900,
    )
    await touches.record(
        brand_id=town["brand"].id,
        member_id=invited.id,
        kind=TouchKind.PURCHASE,
        at=event.starts_at + timedelta(days=14),
        amount_cents=29_900,
    )
    clock.now = event.ends_at + timedelta(days=30)

    by_event = {r["key"]: r for r in (await client.ok(REPORT, {"by": "EVENT"}, token=town["hq"]))["eventAttribution"]}
    assert by_event[eid(event)] == {
        "key": eid(event),
        "signUps": 3,
        "confirmed": 2,
        "waitlisted": 1,
        "cancelled": 0,
        "checkedIn": 2,
        "noShows": 0,
        "converted": 1,
    }
    assert by_event[eid(hq_event)] | {"key": None} == {
        "key": None,
        "signUps": 1,
        "confirmed": 1,
        "waitlisted": 0,
        "cancelled": 0,
        "checkedIn": 0,
        "noShows": 1,
        "converted": 0,
    }
    by_store = {
        r["key"]: r["signUps"] for r in (await client.ok(REPORT, {"by": "STORE"}, token=town["hq"]))["eventAttribution"]
    }
    assert by_store == {ids.encode("Store", town["store"].id): 3, None: 1}
    by_guide = {
        r["key"]: (r["signUps"], r["checkedIn"])
        for r in (await client.ok(REPORT, {"by": "GUIDE"}, token=town["hq"]))["eventAttribution"]
    }
    assert by_guide == {ids.encode("Guide", town["guide"].id): (1, 1), None: (3, 1)}
