"""WeChat mini-program API through wechatpy, kept off the event loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any, TypeVar

import anyio
import requests
from redis.exceptions import RedisError
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from foundation.integrations.wechat_tokens import Fetched, SharedTokens

log = logging.getLogger(__name__)

T = TypeVar("T")

# code2session answers these for a code that is malformed, expired or already used.
_BAD_CODE_ERRCODES = {40029, 40163, 40125}
# The access token is invalid, expired or was replaced: fetch another and try once more.
_STALE_TOKEN_ERRCODES = {40001, 40014, 42001}
# A subscribe message without an unused acceptance of its template by the user.
# 45015: more than 48 hours since the user's last message; 45047: the answers allowed are spent.
CS_WINDOW_CLOSED = frozenset({45015, 45047})
NO_SUBSCRIPTION = 43101


class WeChatUnavailable(Exception):
    """WeChat did not answer, or answered with an error that is not the caller's fault."""


class WeChatCodeRejected(Exception):
    """WeChat says the wx.login (or getPhoneNumber) code is invalid, expired or already used."""


@dataclass(frozen=True)
class WeChatPhone:
    """A phone number WeChat verified: E.164 digits without the plus, and the country code."""

    number: str
    country_code: str


class SendOutcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # surely not sent (connection refused, WeChat busy)
    REFUSED = "refused"  # WeChat will not send it (bad template, blocked user)
    NO_CONSENT = "no_consent"  # 43101: no unused acceptance of the template by the user
    MAYBE_SENT = "maybe_sent"  # timed out after the request went out: never resend


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None


class _Client(WeChatClient):  # type: ignore[misc]  # wechatpy ships no type information
    """wechatpy's client with every URL, including the access-token fetch, under one base URL."""

    def __init__(self, appid: str, secret: str, *, base_url: str, timeout: float) -> None:
        # No auto_retry: a stale token is replaced through the shared store (WeChat._authorized), never here.
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self._base_url = base_url
        self.API_BASE_URL = base_url + "cgi-bin/"
        self.wxa.API_BASE_URL = base_url

    def fetch_access_token(self) -> dict[str, Any]:
        # Called through WeChat._fetch only: the token is then shared (wechat_tokens.py).
        token: dict[str, Any] = self._fetch_access_token(
            url=self._base_url + "cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )
        return token


class WeChat:
    def __init__(self, *, base_url: str, timeout_s: float, max_threads: int, tokens: SharedTokens) -> None:
        self._base_url = base_url
        self._timeout_s = timeout_s
        self._tokens = tokens
        # Bounds the threads blocked on WeChat, so a slow WeChat cannot starve other work.
        self._limiter = anyio.CapacityLimiter(max_threads)
        self._clients: dict[tuple[str, str], _Client] = {}

    def client(self, appid: str, secret: str) -> WeChatClient:
        # One client per app keeps its cached access token; a changed secret gets a new one.
        key = (appid, secret)
        if key not in self._clients:
            self._clients[key] = _Client(appid, secret, base_url=self._base_url, timeout=self._timeout_s)
        return self._clients[key]

    async def _fetch(self, client: _Client) -> Fetched:
        result = await self.call(partial(client.fetch_access_token))
        return Fetched(token=str(result["access_token"]), expires_in_s=int(result.get("expires_in", 7200)))

    async def _authorized(self, appid: str, secret: str, fn: Callable[[_Client], partial[T]]) -> T:
        """Run an API call with the app's shared access token; a token WeChat calls stale is forgotten
        (for every worker) and the call is made once more with a new one."""
        client = self.client(appid, secret)
        key = f"wechat:{appid}"
        for attempt in (1, 2):
            try:
                token = await self._tokens.current(key, lambda: self._fetch(client))
            except RedisError as exc:
                log.warning("access-token store unavailable: %s", type(exc).__name__)
                raise WeChatUnavailable("token store") from None
            client.session.set(client.access_token_key, token, 7200)
            client.expires_at = None  # the shared store decides when it is stale
            try:
                return await self.call(fn(client))
            except WeChatClientException as exc:
                if exc.errcode not in _STALE_TOKEN_ERRCODES or attempt == 2:
                    raise
                await self._tokens.forget(key, token)
        raise AssertionError("unreachable")

    async def call(self, fn: partial[T]) -> T:
        """Run a blocking wechatpy call in a worker thread; raises WeChatUnavailable."""
        try:
            with anyio.fail_after(self._timeout_s * 2 + 1):
                return await anyio.to_thread.run_sync(fn, limiter=self._limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise WeChatUnavailable("timed out") from None
        except requests.RequestException as exc:
            log.warning("wechat request failed: %s", type(exc).__name__)
            raise WeChatUnavailable(type(exc).__name__) from None

    async def code_to_session(self, *, appid: str, secret: str, code: str) -> WeChatSession:
        """Exchange a wx.login code; raises WeChatCodeRejected or WeChatUnavailable."""
        client = self.client(appid, secret)
        try:
            result = await self.call(partial(client.wxa.code_to_session, code))
        except WeChatClientException as exc:
            if exc.errcode in _BAD_CODE_ERRCODES:
                raise WeChatCodeRejected(str(exc.errcode)) from None
            log.warning("wechat code2session error %s", exc.errcode)
            raise WeChatUnavailable(str(exc.errcode)) from None
        openid = result.get("openid") if isinstance(result, dict) else None
        if not openid:
            raise WeChatUnavailable("no openid in code2session answer")
        return WeChatSession(openid=openid, unionid=result.get("unionid") or None)

    async def send_subscribe(
        self, *, appid: str, secret: str, openid: str, template_id: str, data: dict[str, Any], page: str | None
    ) -> tuple[SendOutcome, str | None]:
        """Send a mini-program subscribe message; the outcome and, when sent, WeChat's msgid (its
        delivery receipt names it). WeChat has no idempotency key, so the outcome says whether the
        request may have reached WeChat (never resend those) or surely did not."""
        values = {key: {"value": str(value)[:20]} for key, value in data.items()}
        try:
            answer = await self._authorized(
                appid,
                secret,
                lambda client: partial(client.wxa.send_subscribe_message, openid, template_id, values, page=page),
            )
        except WeChatClientException as exc:
            # -1 "system busy" is WeChat's way of saying "not now": it did not send.
            if exc.errcode == -1:
                return SendOutcome.RETRY, None
            if exc.errcode == NO_SUBSCRIPTION:
                return SendOutcome.NO_CONSENT, None
            log.warning("wechat subscribe message refused: %s", exc.errcode)
            return SendOutcome.REFUSED, None
        except WeChatUnavailable as exc:
            return (SendOutcome.RETRY if str(exc) == "ConnectionError" else SendOutcome.MAYBE_SENT), None
        msgid = answer.get("msgid") if isinstance(answer, dict) else None
        return SendOutcome.SENT, str(msgid) if msgid is not None else None

    async def send_customer_text(self, *, appid: str, secret: str, openid: str, text: str) -> SendOutcome:
        """A customer-service text, allowed within 48 hours of the member's last message (5 at most):
        NO_CONSENT when WeChat says the window is closed (45015) or spent (45047)."""
        try:
            await self._authorized(appid, secret, lambda client: partial(client.message.send_text, openid, text))
        except WeChatClientException as exc:
            if exc.errcode in CS_WINDOW_CLOSED:
                return SendOutcome.NO_CONSENT
            if exc.errcode == -1:
                return SendOutcome.RETRY
            log.warning("wechat customer-service message refused: %s", exc.errcode)
            return SendOutcome.REFUSED
        except WeChatUnavailable as exc:
            return SendOutcome.RETRY if str(exc) == "ConnectionError" else SendOutcome.MAYBE_SENT
        return SendOutcome.SENT

    async def phone_number(self, *, appid: str, secret: str, code: str) -> WeChatPhone:
        """Exchange a getPhoneNumber button's code for the verified number; raises WeChatCodeRejected
        or WeChatUnavailable."""
        try:
            result = await self._authorized(
                appid,
                secret,
                lambda client: partial(
                    client.post, "wxa/business/getuserphonenumber", data={"code": code}, api_base_url=self._base_url
                ),
            )
        except WeChatClientException as exc:
            if exc.errcode in _BAD_CODE_ERRCODES:
                raise WeChatCodeRejected(str(exc.errcode)) from None
            log.warning("wechat getuserphonenumber error %s", exc.errcode)
            raise WeChatUnavailable(str(exc.errcode)) from None
        info = result.get("phone_info") if isinstance(result, dict) else None
        if not isinstance(info, dict) or not info.get("purePhoneNumber"):
            raise WeChatUnavailable("no phone_info in the answer")
        return WeChatPhone(number=str(info["purePhoneNumber"]), country_code=str(info.get("countryCode") or "86"))
