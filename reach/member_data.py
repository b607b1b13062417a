"""What reach holds about a member: their conversations, the tasks about them, the broadcasts they
were sent, their journeys. Moved to the survivor when two members merge; exported on request; on
erasure the conversations go, and so do the words of what they were sent (a broadcast's text
carries their name) and the guides' notes about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from reach.models import BroadcastRecipient, Conversation, ConversationMessage, GuideTask, JourneyRun, RunStatus
from referral.models import Message, MessageKind
from referral.sql import Statement


async def move(conn: BaseDBAsyncClient, brand_id: int, absorbed_id: int, survivor_id: int) -> None:
    """Inside the merge's transaction. One person has one conversation: the absorbed member's
    messages join the survivor's thread, which takes the state of whichever was active last. Tasks
    move; journey runs and broadcast rows move unless the survivor has its own for the same journey
    occurrence or broadcast (then the absorbed one's run stops: the person is already on their way)."""
    mine = await Conversation.get_or_none(brand_id=brand_id, member_id=survivor_id, using_db=conn)
    theirs = await Conversation.get_or_none(brand_id=brand_id, member_id=absorbed_id, using_db=conn)
    if theirs is not None and mine is None:
        await Conversation.filter(id=theirs.id).using_db(conn).update(member_id=survivor_id)
    elif theirs is not None and mine is not None:
        await ConversationMessage.filter(conversation_id=theirs.id).using_db(conn).update(conversation_id=mine.id)
        latest = max((mine, theirs), key=lambda c: (c.last_at, c.id))
        await (
            Conversation.filter(id=mine.id)
            .using_db(conn)
            .update(last_at=latest.last_at, status=latest.status, guide_id=latest.guide_id)
        )
        await Conversation.filter(id=theirs.id).using_db(conn).delete()
    await GuideTask.filter(brand_id=brand_id, member_id=absorbed_id).using_db(conn).update(member_id=survivor_id)
    q = Statement(conn)
    await q.execute(
        f"UPDATE journey_run SET member_id = {q.p(survivor_id)} WHERE member_id = {q.p(absorbed_id)} "
        f"AND NOT EXISTS (SELECT 1 FROM journey_run o WHERE o.member_id = {q.p(survivor_id)} "
        "AND o.journey_id = journey_run.journey_id AND o.occurrence = journey_run.occurrence)"
    )
    await (
        JourneyRun.filter(member_id=absorbed_id, status=RunStatus.ACTIVE).using_db(conn).update(status=RunStatus.EXITED)
    )
    q = Statement(conn)
    await q.execute(
        f"UPDATE broadcast_recipient SET member_id = {q.p(survivor_id)} WHERE member_id = {q.p(absorbed_id)} "
        f"AND NOT EXISTS (SELECT 1 FROM broadcast_recipient o WHERE o.member_id = {q.p(survivor_id)} "
        "AND o.broadcast_id = broadcast_recipient.broadcast_id)"
    )


async def export(brand_id: int, member_id: int) -> dict[str, Any]:
    conversation = await Conversation.get_or_none(brand_id=brand_id, member_id=member_id)
    said = (
        await ConversationMessage.filter(conversation_id=conversation.id)
        .order_by("at", "id")
        .values("direction", "channel", "text", "at")
        if conversation
        else []
    )
    return {
        "conversation": said,
        "guideTasks": await GuideTask.filter(brand_id=brand_id, member_id=member_id)
        .order_by("id")
        .values("title", "status", "outcome", "outcome_note", "created_at", "done_at"),
        "broadcastsReceived": await BroadcastRecipient.filter(member_id=member_id, broadcast__brand_id=brand_id)
        .order_by("id")
        .values("broadcast__name", "broadcast__queued_at", "audience_group", "skip_reason"),
    }


async def erase(conn: BaseDBAsyncClient, brand_id: int, member_id: int, now: datetime) -> None:
    """Inside the erasure's transaction."""
    await Conversation.filter(brand_id=brand_id, member_id=member_id).using_db(conn).delete()
    await GuideTask.filter(brand_id=brand_id, member_id=member_id).using_db(conn).update(outcome_note=None)
    await (
        Message.filter(
            brand_id=brand_id, member_id=member_id, kind__in=[MessageKind.BROADCAST, MessageKind.GUIDE_MESSAGE]
        )
        .using_db(conn)
        .update(payload={"title": "", "body": "", "erased": True})
    )
