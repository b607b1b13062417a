"""Steps the event tests share, phrased as the mini-program and the console perform them."""

from __future__ import annotations

from datetime import UTC, datetime

from events.models import Event
from referral.models import ConsentSource, IdentityProvider, Member, MemberIdentity, SubscribeResult
from referral.services import consent, members
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


async def person(town, subject: str, provider: IdentityProvider) -> str:
    """A member reachable on `provider`; on WeChat, one who accepted each template once in the popup."""
    member, token = await mother(town, subject)
    await MemberIdentity.filter(member_id=member.id).update(provider=provider, subject=f"{provider.value}-{subject}")
    if provider is IdentityProvider.WECHAT:
        accepted = [consent.Answer(t, SubscribeResult.ACCEPT) for t in ("TPL-CANCEL", "TPL-PROMO")]
        await consent.record(
            brand_id=member.brand_id,
            member_id=member.id,
            answers=accepted,
            source=ConsentSource.CLIENT,
            now=town["clock"].now,
        )
    return token
