"""What followed an event counts exactly on a known cast, on both engines: attendees against no-shows
and against members of the attendees' stores who stayed away; the window after the event's end;
returns netted; cancelled sign-ups, other stores and later registrations left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.errors import EventError
from events.models import Event, Registration, RegistrationStatus
from foundation import global_ids
from insight.errors import InsightError
from insight.event_effect import Group, Outcome, event_effect
from referral.models import TouchKind
from referral.services import members, touches
from tests import factories
from tests.insight.shops import two_shops

ENDS = datetime(2026, 5, 10, 12, tzinfo=UTC)


async def test_attendees_against_no_shows_and_those_who_stayed_away(client, settings, db) -> None:
    brand, a, _, ga, gb = await two_shops()
    event = await factories.event(brand, a, now=ENDS - timedelta(days=30))
    await Event.filter(id=event.id).update(starts_at=ENDS - timedelta(hours=2), ends_at=ENDS)
    people = {}
    for name, guide, registered in (
        ("att1", ga, ENDS - timedelta(days=40)),
        ("att2", ga, ENDS - timedelta(days=40)),
        ("ns1", ga, ENDS - timedelta(days=40)),
        ("can1", ga, ENDS - timedelta(days=40)),
        ("away1", ga, ENDS - timedelta(days=40)),
        ("away2", ga, ENDS - timedelta(days=40)),
        ("late", ga, ENDS + timedelta(days=1)),  # registered after the event: not comparable
        ("other", gb, ENDS - timedelta(days=40)),  # another store
    ):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=registered, code=guide.invite_code)
        people[name] = m
    for name, status, came in (
        ("att1", RegistrationStatus.CONFIRMED, True),
        ("att2", RegistrationStatus.CONFIRMED, True),
        ("ns1", RegistrationStatus.CONFIRMED, False),
        ("can1", RegistrationStatus.CANCELLED, False),
    ):
        await Registration.create(
            brand_id=brand.id,
            event_id=event.id,
            member_id=people[name].id,
            status=status,
            ticket_code=f"T-{name}",
            signed_up_at=ENDS - timedelta(days=5),
            checked_in_at=ENDS - timedelta(hours=1) if came else None,
        )

    async def buy(name: str, days_after: float, cents: int) -> None:
        kind = TouchKind.PURCHASE if cents > 0 else TouchKind.PURCHASE_REVERSED
        at = ENDS + timedelta(days=days_after)
        await touches.record(brand_id=brand.id, member_id=people[name].id, kind=kind, at=at, amount_cents=cents)

    await buy("att1", -3, 999)  # before the event: not counted
    await buy("att1", 2, 200)
    await buy("att1", 9, 300)
    await buy("att1", 31, 999)  # after the 30-day window
    await buy("ns1", 5, 100)
    await buy("away1", 3, 100)
    await buy("away1", 4, -100)  # returned
    await buy("can1", 1, 100)
    await buy("late", 2, 100)
    await buy("other", 2, 100)

    effect = await event_effect(brand_id=brand.id, event_id=event.id, days=30)
    assert effect.groups == {
        Group.ATTENDED: Outcome(2, 1, 2, 500, 500 * 500),
        Group.NO_SHOW: Outcome(1, 1, 1, 100, 100 * 100),
        Group.STAYED_AWAY: Outcome(2, 0, 1, 0, 0),
    }
    assert effect.buyer_rate_vs_no_shows is not None and effect.buyer_rate_vs_no_shows.difference == -0.5
    assert effect.buyer_rate_vs_stayed_away is not None and effect.buyer_rate_vs_stayed_away.difference == 0.5
    assert effect.revenue_vs_stayed_away is not None and effect.revenue_vs_stayed_away.difference == 250

    hq = factories.staff_token(settings, await factories.staff(brand))
    shown = await client.ok(
        "query($e: ID!) { eventEffect(eventId: $e, days: 30) { groups { group members buyers revenue { amount } } "
        "buyerRateVsNoShows { difference } revenueVsStayedAway { difference low high } } }",
        {"e": global_ids.encode("Event", event.id)},
        token=hq,
    )
    answer = shown["eventEffect"]
    assert answer["groups"][0] == {"group": "attended", "members": 2, "buyers": 1, "revenue": {"amount": 500}}
    assert answer["buyerRateVsNoShows"] == {"difference": -0.5}
    assert answer["revenueVsStayedAway"]["difference"] == 250


async def test_bad_arguments_are_typed_errors(db) -> None:
    brand, a, _, _, _ = await two_shops()
    event = await factories.event(brand, a, now=ENDS)
    with pytest.raises(InsightError):
        await event_effect(brand_id=brand.id, event_id=event.id, days=0)
    with pytest.raises(EventError):
        await event_effect(brand_id=brand.id + 1, event_id=event.id)
