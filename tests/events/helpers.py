"""Steps the event tests share, phrased as the mini-program and the console perform them."""

from __future__ import annotations

from datetime import UTC, datetime

from events.models import Event
from referral.models import Member
from referral.services import members
from schema import ids
from tests import factories

SIGN_UP = """mutation($e: ID!, $a: JSON) { signUpForEvent(eventId: $e, answers: $a) {
  registration { id status waitlistPosition ticketCode invitedByGuideId answers } errors { code field } } }"""


async def mother(town: dict, subject: str, via: str | None = None) -> tuple[Member, str]:
    """A registered member (through a guide's or member's code if given) and their token."""
    member = await factories.member(town["brand"], subject)
    await members.register(brand_id=town["brand"].id, member_id=member.id, now=datetime.now(UTC), code=via)
    return member, factories.member_token(town["settings"], member)


def eid(event: Event) -> str:
    return ids.encode("Event", event.id)
