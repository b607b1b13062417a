"""Two-way messages: what members write over WeChat or LINE forms one conversation per member. HQ's
keyword replies answer first; otherwise the conversation waits for the member's guide, who answers
within each platform's rules: on LINE through the message's reply token while it lives (free of
quota), else by push; on WeChat by customer-service message, within 48 hours of the member's last
message and at most 5 times."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from foundation.integrations.line_push import LinePush, PushOutcome
from foundation.integrations.wechat import SendOutcome, WeChat
from foundation.tenancy.models import Brand
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import Conversation, ConversationMessage, ConversationStatus, Direction, KeywordMatch, KeywordReply
from referral.models import IdentityProvider, InboundMessage, Member, MemberIdentity, MessageChannel
from referral.sql import Statement

WECHAT_WINDOW = timedelta(hours=48)
WECHAT_ANSWERS = 5
# LINE's reply token lives about a minute; past this, push instead.
REPLY_TOKEN_LIFE = timedelta(seconds=50)


@dataclass(frozen=True)
class Platforms:
    line: LinePush
    wechat: WeChat


async def receive(*, inbound_ids: list[int], platforms: Platforms, now: datetime) -> Counter[str]:
    """File each new member message in its conversation; answer it from the keyword replies, or
    leave it waiting for the member's guide. Returns what was done, by kind."""
    done: Counter[str] = Counter()
    for message in await InboundMessage.filter(id__in=inbound_ids).order_by("id"):
        member = await Member.get(id=message.member_id)
        conversation = await _conversation(message.brand_id, member, now)
        if await ConversationMessage.exists(inbound_id=message.id):
            continue
        await ConversationMessage.create(
            conversation_id=conversation.id,
            direction=Direction.IN,
            channel=message.channel.value,
            text=message.text,
            inbound_id=message.id,
            at=message.received_at,
        )
        keyword = await _keyword(message.brand_id, message.text, member.locale)
        if keyword is not None:
            try:
                await _answer(conversation, keyword.reply, f"keyword:{keyword.id}", platforms, now, None)
                done["keyword reply"] += 1
                continue
            except ReachError:
                done["keyword reply failed"] += 1
        await Conversation.filter(id=conversation.id).update(
            status=ConversationStatus.WAITING, guide_id=member.guide_id, last_at=now
        )
        done["to the guide"] += 1
    return done


async def _conversation(brand_id: int, member: Member, now: datetime) -> Conversation:
    q = Statement()
    values = (brand_id, member.id, member.guide_id, ConversationStatus.WAITING.value, now)
    await q.execute(
        "INSERT INTO conversation (brand_id, member_id, guide_id, status, last_at) "
        f"VALUES ({', '.join(q.p(v) for v in values)}) ON CONFLICT (brand_id, member_id) DO NOTHING"
    )
    return await Conversation.get(brand_id=brand_id, member_id=member.id)


async def _keyword(brand_id: int, text: str, locale: str | None) -> KeywordReply | None:
    """The best keyword reply: exact before contains, the member's locale before any locale."""
    said = text.strip().casefold()
    best: tuple[int, KeywordReply] | None = None
    for row in await KeywordReply.filter(brand_id=brand_id):
        if row.locale is not None and row.locale != locale:
            continue
        word = row.keyword.casefold()
        hit = said == word if row.match is KeywordMatch.EXACT else word in said
        if not hit:
            continue
        rank = (2 if row.match is KeywordMatch.EXACT else 0) + (1 if row.locale is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, row)
    return best[1] if best else None


async def reply(
    *,
    brand_id: int,
    conversation_id: int,
    text: str,
    author: str,
    guide_id: int | None,
    platforms: Platforms,
    now: datetime,
    request_key: str | None = None,
) -> ConversationMessage:
    """A guide (their own members' conversations) or HQ (any: guide_id None) answers. Raises
    CONVERSATION_NOT_FOUND, MESSAGE_INVALID, REPLY_WINDOW_CLOSED or REPLY_FAILED, recording nothing.
    A retry with the same request key answers the first answer."""
    text = text.strip()
    if not 1 <= len(text) <= 1000 or not text.replace("\n", " ").isprintable():
        raise ReachError(Code.MESSAGE_INVALID, "An answer of 1-1000 characters.", "text")
    conversation = await Conversation.get_or_none(id=conversation_id, brand_id=brand_id)
    if conversation is None or (guide_id is not None and conversation.guide_id != guide_id):
        raise ReachError(Code.CONVERSATION_NOT_FOUND, "No such conversation among yours.", "conversation_id")
    if request_key and (
        earlier := await ConversationMessage.get_or_none(request_key=f"{conversation.id}:{request_key}")
    ):
        return earlier
    return await _answer(conversation, text, author, platforms, now, request_key)


async def _answer(
    conversation: Conversation, text: str, author: str, platforms: Platforms, now: datetime, request_key: str | None
) -> ConversationMessage:
    latest = await InboundMessage.filter(member_id=conversation.member_id).order_by("-received_at", "-id").first()
    if latest is None:
        raise ReachError(Code.REPLY_WINDOW_CLOSED, "The member has not written: nothing to answer.", "conversation_id")
    brand = await Brand.get(id=conversation.brand_id)
    if latest.channel is MessageChannel.LINE:
        via = await _line(brand, conversation, latest, text, platforms.line, now, request_key)
    else:
        via = await _wechat(brand, conversation, latest, text, platforms.wechat, now)
    key = f"{conversation.id}:{request_key}" if request_key else None
    try:
        answer = await ConversationMessage.create(
            conversation_id=conversation.id,
            direction=Direction.OUT,
            channel=latest.channel.value,
            text=text,
            author=author,
            via=via,
            request_key=key,
            at=now,
        )
    except IntegrityError:
        # A retry raced the first request and lost on the unique key: answer what the first recorded
        # (on LINE the push carried the same retry key, so the member saw it once).
        earlier = await ConversationMessage.get_or_none(request_key=key) if key else None
        if earlier is None:
            raise
        return earlier
    await Conversation.filter(id=conversation.id).update(status=ConversationStatus.ANSWERED, last_at=now)
    return answer


async def _line(
    brand: Brand,
    conversation: Conversation,
    latest: InboundMessage,
    text: str,
    line: LinePush,
    now: datetime,
    request_key: str | None,
) -> str:
    token = brand.line_channel_access_token
    if not token:
        raise ReachError(Code.REPLY_FAILED, "This brand has no LINE channel access token.", "conversation_id")
    # A reply token is used once: taken by a conditional update, so two answers never both use it.
    if (
        latest.reply_token
        and now - latest.received_at < REPLY_TOKEN_LIFE
        and await InboundMessage.filter(id=latest.id, reply_token=latest.reply_token).update(reply_token=None)
    ):
        outcome, _ = await line.reply(access_token=token, reply_token=latest.reply_token, text=text)
        if outcome is PushOutcome.SENT:
            return "reply_token"
    identity = await MemberIdentity.get_or_none(member_id=conversation.member_id, provider=IdentityProvider.LINE)
    if identity is None or identity.pushable is False:
        raise ReachError(Code.REPLY_WINDOW_CLOSED, "The member cannot be reached on LINE now.", "conversation_id")
    key = (
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"conversation:{conversation.id}:{request_key}"))
        if request_key
        else str(uuid.uuid4())
    )
    outcome, _ = await line.push(access_token=token, to=identity.subject, text=text, retry_key=key)
    if outcome is not PushOutcome.SENT:
        raise ReachError(Code.REPLY_FAILED, "LINE did not take the answer; try again.", "conversation_id")
    return "push"


async def _wechat(
    brand: Brand, conversation: Conversation, latest: InboundMessage, text: str, wechat: WeChat, now: datetime
) -> str:
    answered = await ConversationMessage.filter(
        conversation_id=conversation.id, direction=Direction.OUT, via="customer_service", at__gte=latest.received_at
    ).count()
    if now - latest.received_at > WECHAT_WINDOW or answered >= WECHAT_ANSWERS:
        raise ReachError(
            Code.REPLY_WINDOW_CLOSED,
            "WeChat allows 5 answers within 48 hours of the member's last message.",
            "conversation_id",
        )
    identity = await MemberIdentity.get_or_none(member_id=conversation.member_id, provider=IdentityProvider.WECHAT)
    if identity is None or not (brand.wechat_appid and brand.wechat_secret):
        raise ReachError(Code.REPLY_FAILED, "The member or the brand has no WeChat account.", "conversation_id")
    outcome = await wechat.send_customer_text(
        appid=brand.wechat_appid, secret=brand.wechat_secret, openid=identity.subject, text=text
    )
    if outcome is SendOutcome.NO_CONSENT:
        raise ReachError(Code.REPLY_WINDOW_CLOSED, "WeChat closed the answer window.", "conversation_id")
    if outcome is not SendOutcome.SENT:
        raise ReachError(Code.REPLY_FAILED, "WeChat did not take the answer; try again.", "conversation_id")
    return "customer_service"


def of_guide(*, brand_id: int, guide_id: int) -> QuerySet[Conversation]:
    return Conversation.filter(brand_id=brand_id, guide_id=guide_id)


async def search(*, brand_id: int, text: str | None = None) -> QuerySet[Conversation]:
    """HQ's search: conversations with a message containing `text` (all of them without)."""
    q = Conversation.filter(brand_id=brand_id)
    term = (text or "").strip()
    if not term:
        return q
    found = (
        await ConversationMessage.filter(conversation__brand_id=brand_id, text__icontains=term[:100])
        .distinct()
        .values_list("conversation_id", flat=True)
    )
    return q.filter(id__in=list(found))


def messages(conversation_id: int) -> QuerySet[ConversationMessage]:
    return ConversationMessage.filter(conversation_id=conversation_id)


async def save_keyword(
    *, brand_id: int, keyword: str, match: KeywordMatch, locale: str | None, reply_text: str, now: datetime
) -> KeywordReply:
    """Add a keyword reply, or replace the reply of the same keyword, match and locale."""
    keyword, reply_text = keyword.strip(), reply_text.strip()
    if not 1 <= len(keyword) <= 40 or not keyword.isprintable():
        raise ReachError(Code.KEYWORD_INVALID, "A keyword of 1-40 printable characters.", "keyword")
    if not 1 <= len(reply_text) <= 500 or not reply_text.replace("\n", " ").isprintable():
        raise ReachError(Code.KEYWORD_INVALID, "A reply of 1-500 characters.", "reply")
    if locale is not None and locale not in {"zh-Hans", "zh-Hant", "ja", "en"}:
        raise ReachError(Code.KEYWORD_INVALID, "A locale is one of zh-Hans, zh-Hant, ja, en.", "locale")
    row, _ = await KeywordReply.update_or_create(
        defaults={"reply": reply_text, "created_at": now},
        brand_id=brand_id,
        keyword=keyword,
        match=match,
        locale=locale,
    )
    return row
