"""When one person turns out to be two members (WeChat and LINE), what reach holds follows the
survivor: one conversation with every message, the tasks, and journey runs and broadcast rows
unless the survivor has its own for the same occurrence or broadcast."""

from __future__ import annotations

from datetime import timedelta

from reach.models import (
    AudienceGroup,
    BroadcastRecipient,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    Direction,
    GuideTask,
    Journey,
    JourneyRun,
    RunStatus,
)
from referral.models import IdentityProvider, Member
from referral.services import identities
from schema import ids
from server.wiring import wire
from tests.reach.broadcasting import broadcast, person, segment


async def _thread(member: Member, now, texts: list[str], status: ConversationStatus) -> Conversation:
    thread = await Conversation.create(brand_id=member.brand_id, member_id=member.id, status=status, last_at=now)
    for i, text in enumerate(texts):
        await ConversationMessage.create(
            conversation_id=thread.id, direction=Direction.IN, text=text, at=now - timedelta(minutes=10 - i)
        )
    return thread


async def test_a_merge_gives_the_survivor_one_conversation_and_the_rest(client, town) -> None:
    now = town["clock"].now
    first = await person(town, "first", IdentityProvider.WECHAT, credits=0)
    second = await person(town, "second", IdentityProvider.LINE)
    await _thread(first, now - timedelta(days=2), ["hello"], ConversationStatus.ANSWERED)
    await _thread(second, now, ["is stage 2 in stock?", "thanks"], ConversationStatus.WAITING)
    for member in (first, second):
        await GuideTask.create(
            brand_id=town["brand"].id,
            guide_id=town["guide"].id,
            member_id=member.id,
            title="Call",
            source=f"test:{member.id}",
            created_at=now,
        )
    journey = await Journey.create(
        brand_id=town["brand"].id,
        name="Lapsed",
        definition={},
        active_since=now,
        created_by="hq",
        created_at=now,
        updated_at=now,
    )
    for member, occurrence in ((first, "2026-01"), (second, "2026-01"), (second, "2026-02")):
        await JourneyRun.create(
            journey_id=journey.id,
            member_id=member.id,
            occurrence=occurrence,
            next_at=now,
            created_at=now,
            updated_at=now,
        )
    everyone = await segment(client, town)
    both = ids.decode((await broadcast(client, town, everyone))["id"], "Broadcast")
    only_second = ids.decode((await broadcast(client, town, everyone, title="Again"))["id"], "Broadcast")
    for broadcast_id, member in ((both, first), (both, second), (only_second, second)):
        await BroadcastRecipient.create(
            broadcast_id=broadcast_id, member_id=member.id, audience_group=AudienceGroup.RECIPIENT, queued=True
        )

    survivor = await identities.merge(
        brand_id=town["brand"].id, member_ids=(first.id, second.id), now=now, member_data=wire().member_data
    )

    assert survivor.id == first.id  # registered first
    [thread] = await Conversation.filter(brand_id=town["brand"].id)
    assert thread.member_id == first.id
    # The later thread's state: the member's last message waits for an answer.
    assert (thread.status, thread.last_at) == (ConversationStatus.WAITING, now)
    said = await ConversationMessage.filter(conversation_id=thread.id).order_by("at").values_list("text", flat=True)
    assert said == ["hello", "is stage 2 in stock?", "thanks"]
    assert await GuideTask.filter(member_id=first.id).count() == 2
    runs = (
        await JourneyRun.filter(journey_id=journey.id).order_by("id").values_list("member_id", "occurrence", "status")
    )
    assert runs == [
        (first.id, "2026-01", RunStatus.ACTIVE),
        (second.id, "2026-01", RunStatus.EXITED),  # the survivor is already on its way for this one
        (first.id, "2026-02", RunStatus.ACTIVE),
    ]
    rows = await BroadcastRecipient.all().order_by("id").values_list("broadcast_id", "member_id")
    assert rows == [(both, first.id), (both, second.id), (only_second, first.id)]
