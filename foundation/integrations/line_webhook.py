"""LINE's webhook: the X-Line-Signature checked and the events parsed by line-bot-sdk's parser.
Only what we act on is read: follow, unfollow (LINE sends it when a user blocks the account too),
and the text members send."""

from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import FollowEvent, MessageEvent, TextMessageContent, UnfollowEvent

MAX_BODY = 256 * 1024


class WebhookRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Followed:
    event_id: str
    user_id: str
    following: bool  # False: unfollowed or blocked


@dataclass(frozen=True)
class LineText:
    event_id: str
    user_id: str
    message_id: str
    text: str
    reply_token: str | None
    sent_at_ms: int


LineEvent = Followed | LineText


def read(channel_secret: str, body: bytes, signature: str) -> list[LineEvent]:
    """The events of a signed delivery; raises WebhookRefused."""
    if not signature:
        raise WebhookRefused(403, "unsigned")
    if len(body) > MAX_BODY:
        raise WebhookRefused(413, "body too large")
    try:
        events = WebhookParser(channel_secret).parse(body.decode("utf-8"), signature)
    except InvalidSignatureError:
        raise WebhookRefused(403, "bad signature") from None
    except Exception:  # signed by us but not a delivery LINE would make
        raise WebhookRefused(400, "not a webhook delivery") from None
    found: list[LineEvent] = []
    for event in events if isinstance(events, list) else []:
        user_id = getattr(getattr(event, "source", None), "user_id", None)
        event_id = getattr(event, "webhook_event_id", None) or ""
        if not user_id or not event_id:
            continue
        if isinstance(event, FollowEvent):
            found.append(Followed(event_id, user_id, True))
        elif isinstance(event, UnfollowEvent):
            found.append(Followed(event_id, user_id, False))
        elif isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            found.append(
                LineText(
                    event_id, user_id, event.message.id, event.message.text[:5000], event.reply_token, event.timestamp
                )
            )
    return found
