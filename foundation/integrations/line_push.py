"""LINE Messaging API through line-bot-sdk: pushes (with LINE's retry key, so a retried push is
delivered once) and the month's quota. The SDK's client is synchronous: calls run in worker threads,
bounded like WeChat's, with a timeout."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, TypeVar

import anyio
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from urllib3.exceptions import HTTPError

log = logging.getLogger(__name__)
T = TypeVar("T")


class PushOutcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # not accepted now (LINE busy, network): safe to send again with the same key
    REFUSED = "refused"  # LINE will never accept this one (bad token, blocked user, bad request)


class LineUnavailable(Exception):
    """LINE did not answer, or refused the channel's token."""


@dataclass(frozen=True)
class Quota:
    """This month's push allowance: None when the plan has no limit."""

    limit: int | None
    used: int

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


class LinePush:
    def __init__(self, *, base_url: str, timeout_s: float, max_threads: int) -> None:
        self._host = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._limiter = anyio.CapacityLimiter(max_threads)

    def _api(self, access_token: str) -> MessagingApi:
        return MessagingApi(ApiClient(Configuration(host=self._host, access_token=access_token)))

    async def _call(self, fn: partial[T]) -> T:
        with anyio.fail_after(self._timeout_s * 2 + 1):
            return await anyio.to_thread.run_sync(fn, limiter=self._limiter, abandon_on_cancel=True)

    async def push(self, *, access_token: str, to: str, text: str, retry_key: str) -> tuple[PushOutcome, str]:
        """Push one text message; returns the outcome and a short reason."""
        request = PushMessageRequest(to=to, messages=[TextMessage(text=text[:5000])])
        api = self._api(access_token)
        try:
            await self._call(
                partial(api.push_message, request, x_line_retry_key=retry_key, _request_timeout=self._timeout_s)
            )
        except ApiException as exc:
            status = int(exc.status or 0)
            # 409: a request with this retry key was already accepted, that is, the message went out.
            if status == 409:
                return PushOutcome.SENT, "HTTP 409"
            if status == 429 or status >= 500:
                return PushOutcome.RETRY, f"HTTP {status}"
            log.warning("line push refused: HTTP %s", status)
            return PushOutcome.REFUSED, f"HTTP {status}"
        except (HTTPError, TimeoutError, OSError) as exc:
            return PushOutcome.RETRY, type(exc).__name__
        return PushOutcome.SENT, "HTTP 200"

    async def reply(self, *, access_token: str, reply_token: str, text: str) -> tuple[PushOutcome, str]:
        """Answer a member's message through its reply token (free of quota, usable once, for about a
        minute); REFUSED when the token is spent or stale (then push instead)."""
        request = ReplyMessageRequest(reply_token=reply_token, messages=[TextMessage(text=text[:5000])])
        api = self._api(access_token)
        try:
            await self._call(partial(api.reply_message, request, _request_timeout=self._timeout_s))
        except ApiException as exc:
            status = int(exc.status or 0)
            return (PushOutcome.RETRY if status == 429 or status >= 500 else PushOutcome.REFUSED), f"HTTP {status}"
        except (HTTPError, TimeoutError, OSError) as exc:
            return PushOutcome.RETRY, type(exc).__name__
        return PushOutcome.SENT, "HTTP 200"

    async def quota(self, *, access_token: str) -> Quota:
        """This month's allowance and use; raises LineUnavailable."""
        api = self._api(access_token)
        try:
            limit: Any = await self._call(partial(api.get_message_quota, _request_timeout=self._timeout_s))
            used: Any = await self._call(partial(api.get_message_quota_consumption, _request_timeout=self._timeout_s))
        except (ApiException, HTTPError, TimeoutError, OSError) as exc:
            log.warning("line quota unavailable: %s", type(exc).__name__)
            raise LineUnavailable(type(exc).__name__) from None
        return Quota(limit=int(limit.value) if limit.type == "limited" else None, used=int(used.total_usage))
