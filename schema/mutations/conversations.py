"""Guides (and HQ) answer members' messages; HQ sets keyword replies."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation.auth.caller import Role
from loyalty import idempotency
from reach import conversations
from reach.models import KeywordMatch as MatchValue
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, IsServing, require_caller
from schema.types.conversation import ConversationMessage, KeywordMatch, KeywordReply


@strawberry.type(description="The answer as recorded, or why it was refused (nothing was sent then).")
class ConversationReplyPayload:
    message: ConversationMessage | None = strawberry.field(default=None, description="The answer; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="The keyword reply, or why it was refused.")
class KeywordReplyPayload:
    keyword_reply: KeywordReply | None = strawberry.field(default=None, description="Saved; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type
class ConversationMutations:
    @strawberry.mutation(
        permission_classes=[IsServing],
        description="Answer a member: a guide their own members' conversations, HQ any. LINE: by the message's "
        "reply token while it lives, else by push; WeChat: within 48 hours of their last message, 5 answers at most.",
    )
    @mutation_payload
    async def reply_to_conversation(
        self,
        info: Info,
        conversation_id: Annotated[strawberry.ID, strawberry.argument(description="The conversation.")],
        text: Annotated[str, strawberry.argument(description="1-1000 characters.")],
        idempotency_key: Annotated[str | None, strawberry.argument(description=idempotency.DESCRIPTION)] = None,
    ) -> ConversationReplyPayload | None:
        caller = require_caller(info)
        idempotency.check(idempotency_key)
        hq = caller.has(Role.HQ)
        integrations = info.context.integrations
        answer = await conversations.reply(
            brand_id=caller.brand_id,
            conversation_id=ids.decode(conversation_id, "Conversation", field="conversationId"),
            text=text,
            author=f"staff:{caller.staff_id}" if hq else f"guide:{caller.guide_id}",
            guide_id=None if hq else (caller.guide_id or 0),
            platforms=conversations.Platforms(line=integrations.line_push, wechat=integrations.wechat),
            now=info.context.now(),
            request_key=idempotency_key,
        )
        return ConversationReplyPayload(message=ConversationMessage(row=answer))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Set an automatic answer to members' messages with a keyword (the same keyword, match and "
        "locale: its answer is replaced). Exact matches win over contains, a locale's over any locale's.",
    )
    @mutation_payload
    async def save_keyword_reply(
        self,
        info: Info,
        keyword: Annotated[str, strawberry.argument(description="1-40 characters.")],
        reply: Annotated[str, strawberry.argument(description="The answer, 1-500 characters.")],
        match: Annotated[KeywordMatch, strawberry.argument(description="How it matches.")] = MatchValue.CONTAINS,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        locale: Annotated[str | None, strawberry.argument(description="Only for this locale; all if null.")] = None,
    ) -> KeywordReplyPayload | None:
        caller = require_caller(info)
        row = await conversations.save_keyword(
            brand_id=caller.brand_id,
            keyword=keyword,
            match=MatchValue(match.value),
            locale=locale,
            reply_text=reply,
            now=info.context.now(),
        )
        return KeywordReplyPayload(keyword_reply=KeywordReply(row=row))
