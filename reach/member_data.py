"""What reach holds about a member: their conversations, the tasks about them, the broadcasts they
were sent. Exported on request; on erasure the conversations go, and so do the words of what they
were sent (a broadcast's text carries their name) and the guides' notes about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from reach.models import BroadcastRecipient, Conversation, ConversationMessage, GuideTask
from referral.models import Message, MessageKind


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
