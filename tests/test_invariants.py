"""The invariant checker finds each kind of damage a crash, a race or a bad manual fix could leave."""

from datetime import UTC, datetime

from events.models import Registration, RegistrationStatus
from referral.models import Member
from referral.models.outbox import Message, MessageKind, MessageStatus
from server import invariants
from tests import factories


async def test_a_clean_database_has_no_violations_and_each_damage_is_named(db, settings) -> None:
    cast = await factories.cast(settings, "acme")
    assert await invariants.violations() == []
    now = datetime.now(UTC)

    # One seat too many: a registration confirmed behind the counter's back.
    extra = await factories.member(cast.brand, "extra")
    await cast.event.filter(id=cast.event.id).update(capacity=0)
    await Registration.create(
        brand_id=cast.brand.id,
        event_id=cast.event.id,
        member_id=extra.id,
        status=RegistrationStatus.CONFIRMED,
        ticket_code="T1",
        signed_up_at=now,
    )
    # A member who refers themselves, and a message marked sent with no send time.
    await Member.filter(id=extra.id).update(referrer_id=extra.id)
    await Message.create(
        brand_id=cast.brand.id,
        member_id=extra.id,
        kind=MessageKind.EVENT_CANCELLED,
        payload={},
        dedupe_key="x",
        retry_key="00000000-0000-0000-0000-000000000001",
        status=MessageStatus.SENT,
        next_attempt_at=now,
        created_at=now,
    )

    found = await invariants.violations()
    names = sorted({line.split(":")[0] for line in found})
    assert names == ["nobody refers themselves", "sent message without a send time", "sign-ups within capacity"], found
