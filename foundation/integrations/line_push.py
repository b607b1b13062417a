"""LINE Messaging API push (POST /v2/bot/message/push), with LINE's retry key for safe retries."""

from __future__ import annotations

import logging
from enum import Enum

import httpx

log = logging.getLogger(__name__)


class PushOutcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # not accepted now (LINE busy, network): safe to send again with the same key
    REFUSED = "refused"  # LINE will never accept this one (bad token, blocked user, bad request)


class LinePush:
    def __init__(self, *, base_url: str, http: httpx.AsyncClient) -> None:
        self._url = base_url + "v2/bot/message/push"
        self._http = http

    async def push(self, *, access_token: str, to: str, text: str, retry_key: str) -> tuple[PushOutcome, str]:
        """Push one text message; returns the outcome and a short reason."""
        try:
            response = await self._http.post(
                self._url,
                json={"to": to, "messages": [{"type": "text", "text": text[:5000]}]},
                headers={"authorization": f"Bearer {access_token}", "x-line-retry-key": retry_key},
            )
        except httpx.HTTPError as exc:
            return PushOutcome.RETRY, type(exc).__name__
        # 409: a request with this retry key was already accepted, that is, the message went out.
        if response.status_code in (200, 409):
            return PushOutcome.SENT, f"HTTP {response.status_code}"
        if response.status_code == 429 or response.status_code >= 500:
            return PushOutcome.RETRY, f"HTTP {response.status_code}"
        log.warning("line push refused: HTTP %s", response.status_code)
        return PushOutcome.REFUSED, f"HTTP {response.status_code}"
