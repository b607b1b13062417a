"""Check-in: once per registration, only in the window, only for confirmed members, with a genuine
and current venue code or ticket."""

from datetime import timedelta

import pytest

from events.models import Registration, RegistrationStatus
from events.services import check_in
from referral.models import Member, Touch, TouchKind
from schema import ids
from schema.mutations.events import CHECK_IN_KEY
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CHECK_IN = (
    "mutation($c: String!) { checkInAtEvent(code: $c) { registration { checkedInAt walkIn } errors { code field } } }"
)
TICKET = "mutation($t: String!) { checkInTicket(ticket: $t) { registration { checkedInAt } errors { code field } } }"
CODE = "query($e: ID!) { eventCheckInCode(eventId: $e) { code expiresAt errors { code } } }"


@pytest.fixture
async def day(client, town, settings):
    event = await factories.event(town["brand"], town["store"], now=town["clock"].now, capacity=1)
    mum, token = await mother(town, "mum")
    late, late_token = await mother(town, "late")
    signed = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    waiting = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=late_token)
    assert (signed["registration"]["status"], waiting["registration"]["status"]) == ("CONFIRMED", "WAITLISTED")
    guide_token = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    return dict(
        event=event,
        token=token,
        late_token=late_token,
        ticket=signed["registration"]["ticketCode"],
        guide_token=guide_token,
        key=settings.signing_key(CHECK_IN_KEY),
    )


async def venue_code(client, town, day) -> str:
    shown = await client.ok(CODE, {"e": eid(day["event"])}, token=town["hq"])
    return shown["eventCheckInCode"]["code"]


async def test_check_in_with_the_venue_code_once_and_only_in_the_window(client, town, day) -> None:
    clock, event = town["clock"], day["event"]
    clock.now = event.starts_at - timedelta(minutes=61)
    early = await client.mutate(
        "checkInAtEvent", CHECK_IN, {"c": await venue_code(client, town, day)}, token=day["token"]
    )
    assert early["errors"] == [{"code": "CHECK_IN_CLOSED", "field": "code"}]

    clock.now = event.starts_at
    code = await venue_code(client, town, day)
    first = await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=day["token"])
    twice = await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=day["token"])
    assert first["errors"] == [] and first["registration"]["checkedInAt"] is not None
    assert twice["errors"] == [{"code": "ALREADY_CHECKED_IN", "field": "code"}]
    waitlisted = await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=day["late_token"])
    assert waitlisted["errors"] == [{"code": "WAITLISTED", "field": "code"}]
    _, stranger = await mother(town, "stranger")
    assert (await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=stranger))["errors"] == [
        {"code": "NOT_SIGNED_UP", "field": "code"}
    ]
    assert await Touch.filter(kind=TouchKind.EVENT_CHECK_IN).count() == 1

    clock.now = event.ends_at
    late = await client.mutate(
        "checkInAtEvent", CHECK_IN, {"c": await venue_code(client, town, day)}, token=day["late_token"]
    )
    assert late["errors"] == [{"code": "CHECK_IN_CLOSED", "field": "code"}]


async def test_forged_expired_and_foreign_codes_are_refused(client, town, day, settings) -> None:
    clock, event = town["clock"], day["event"]
    clock.now = event.starts_at
    code = await venue_code(client, town, day)
    head, expires, mac = code.split(".")
    forged = [f"{head}.{int(expires) + 3600}.{mac}", f"V{event.id + 1}.{expires}.{mac}", "V1.2.3", "nonsense", ""]
    for bad in forged:
        refused = await client.mutate("checkInAtEvent", CHECK_IN, {"c": bad}, token=day["token"])
        assert refused["errors"] == [{"code": "CHECK_IN_CODE_INVALID", "field": "code"}], bad
    other_brand = await factories.brand("other")
    foreign, _ = check_in.venue_code(day["key"], await factories.event(other_brand, now=clock.now), clock.now)
    assert (await client.mutate("checkInAtEvent", CHECK_IN, {"c": foreign}, token=day["token"]))["errors"][0][
        "code"
    ] == ("CHECK_IN_CODE_INVALID")
    clock.advance(minutes=6)  # the screen's code lives five minutes
    expired = await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=day["token"])
    assert expired["errors"] == [{"code": "CHECK_IN_CODE_INVALID", "field": "code"}]
    # A code for another event of the brand does not check you in to yours.
    other_event = await factories.event(
        town["brand"],
        now=town["clock"].now - timedelta(days=1),
        starts_at=clock.now,
        ends_at=clock.now + timedelta(hours=1),
    )
    other_code, _ = check_in.venue_code(day["key"], other_event, clock.now)
    wrong = await client.mutate("checkInAtEvent", CHECK_IN, {"c": other_code}, token=day["token"])
    assert wrong["errors"] == [{"code": "NOT_SIGNED_UP", "field": "code"}]
    assert await Registration.filter(checked_in_at__isnull=False).count() == 0


async def test_a_guide_scans_the_ticket(client, town, day, settings) -> None:
    town["clock"].now = day["event"].starts_at
    other_store = await factories.store(town["brand"], "S2")
    outsider = await factories.guide(town["brand"], other_store, "bob")
    outsider_token = factories.member_token(settings, await Member.get(id=outsider.member_id))
    wrong_store = await client.mutate("checkInTicket", TICKET, {"t": day["ticket"]}, token=outsider_token)
    assert wrong_store["errors"] == [{"code": "REGISTRATION_NOT_FOUND", "field": "code"}]
    typed = day["ticket"].lower().replace("0", "o")  # typed by hand, with the usual slips
    scanned = await client.mutate("checkInTicket", TICKET, {"t": typed}, token=day["guide_token"])
    assert scanned["errors"] == [] and scanned["registration"]["checkedInAt"] is not None
    again = await client.mutate("checkInTicket", TICKET, {"t": day["ticket"]}, token=day["guide_token"])
    assert again["errors"] == [{"code": "ALREADY_CHECKED_IN", "field": "code"}]
    touch = await Touch.get(kind=TouchKind.EVENT_CHECK_IN)
    assert touch.guide_id == town["guide"].id
    bogus = await client.mutate("checkInTicket", TICKET, {"t": "T12345"}, token=day["guide_token"])
    assert bogus["errors"] == [{"code": "CHECK_IN_CODE_INVALID", "field": "code"}]


async def test_walk_ins_when_the_event_allows_them(client, town, settings) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now, allow_walk_ins=True)
    town["clock"].now = event.starts_at
    _, token = await mother(town, "walker")
    code = (await client.ok(CODE, {"e": eid(event)}, token=town["hq"]))["eventCheckInCode"]["code"]
    walked = await client.mutate("checkInAtEvent", CHECK_IN, {"c": code}, token=token)
    assert walked["errors"] == [] and walked["registration"]["walkIn"] is True
    row = await Registration.get(event_id=event.id)
    assert row.status is RegistrationStatus.CONFIRMED and ids.encode("Event", row.event_id) == eid(event)
