"""Conversations as GraphQL: a member's thread with the brand, and the keyword replies HQ sets."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from reach import conversations
from reach.models import (
    Conversation as ConversationModel,
    ConversationMessage as MessageModel,
    ConversationStatus as StatusValue,
    Direction as DirectionValue,
    KeywordMatch as MatchValue,
    KeywordReply as KeywordModel,
)
from schema import ids
from schema.arguments import After, First
from schema.columns import column
from schema.enums import client_enum
from schema.pagination import DEFAULT_PAGE, Connection, paginate
from schema.types.member import Member
from schema.types.node import Node

ConversationStatus = client_enum(
    StatusValue,
    "Who is to speak next.",
    {StatusValue.WAITING: "The member wrote last: for their guide to answer.", StatusValue.ANSWERED: "Answered."},
)
Direction = client_enum(
    DirectionValue,
    "Who wrote a message.",
    {DirectionValue.IN: "The member.", DirectionValue.OUT: "The brand: a keyword reply, a guide or HQ."},
)
KeywordMatch = client_enum(
    MatchValue,
    "How a keyword matches a member's message.",
    {MatchValue.EXACT: "The whole message is the keyword (case aside).", MatchValue.CONTAINS: "The message has it."},
)


@strawberry.type(description="One message of a conversation.")
class ConversationMessage:
    row: strawberry.Private[MessageModel]

    text = column(str, description="What was written.")
    channel = column(str | None, description="wechat or line.")
    via = column(
        str | None, description="How an answer went: reply_token, push or customer_service; null for the member's."
    )
    author = column(str | None, description="Who answered: keyword:<id>, guide:<id>, staff:<id>; null for the member.")
    at = column(datetime, description="When.")

    @strawberry.field(description="Who wrote it.")
    def direction(self) -> Direction:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.direction


@strawberry.type(description="A member's thread with the brand, across WeChat and LINE.")
class Conversation(Node):
    row: strawberry.Private[ConversationModel]

    @strawberry.field(description="Global id of the conversation.")
    def id(self) -> strawberry.ID:
        return ids.encode("Conversation", self.row.id)

    last_at = column(datetime, description="When it last moved.")

    @strawberry.field(description="Who is to speak next.")
    def status(self) -> ConversationStatus:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.status

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Member | None:
        found = await info.context.loaders.member.load(self.row.member_id)
        return Member(row=found) if found else None

    @strawberry.field(description="Its messages, newest first.")
    async def messages(self, first: First = DEFAULT_PAGE, after: After = None) -> Connection[ConversationMessage]:
        return await paginate(
            conversations.messages(self.row.id),
            first=first,
            after=after,
            to_node=lambda row: ConversationMessage(row=row),
            newest_first=True,
        )


@strawberry.type(description="An automatic answer to members' messages with a keyword.")
class KeywordReply:
    row: strawberry.Private[KeywordModel]

    keyword = column(str, description="The keyword.")
    locale = column(str | None, description="Only for members of this locale; null for all.")
    reply = column(str, description="The answer sent.")

    @strawberry.field(description="How the keyword matches.")
    def match(self) -> KeywordMatch:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.match
