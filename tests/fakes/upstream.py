"""A small fake of the WeChat and LINE HTTP APIs, served for real on 127.0.0.1.

It speaks the documented wire format (query strings, form bodies, JSON answers, WeChat's
errcodes, LINE's 400s), so the production clients are exercised unchanged.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    form: dict[str, str]
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeUpstream:
    """State the tests arrange (apps, codes, tokens) and the requests the fake received."""

    wechat_apps: dict[str, str] = field(default_factory=dict)  # appid -> secret
    wechat_codes: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # code -> appid, openid, unionid
    line_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # id_token -> claims
    delay_s: float = 0.0
    failing: bool = False
    requests: list[Recorded] = field(default_factory=list)
    base_url: str = ""
    # Messaging: what was delivered (as the member's phone would show it), and how to misbehave.
    line_channel_tokens: set[str] = field(default_factory=set)
    line_retry_keys: set[str] = field(default_factory=set)
    line_pushed: list[dict[str, Any]] = field(default_factory=list)
    wechat_sent: list[dict[str, Any]] = field(default_factory=list)
    wechat_send_errcode: int = 0  # -1: busy, 43101: the user has not subscribed
    # Access tokens issued (appid by token), and getPhoneNumber codes (code -> appid, E.164 digits, country code).
    wechat_access_tokens: dict[str, str] = field(default_factory=dict)
    wechat_phone_codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # LINE's monthly allowance (None: unlimited); pushes accepted count against it.
    line_quota: int | None = None
    # Answers: LINE replies (each reply token once) and WeChat customer-service messages.
    line_replied: list[dict[str, Any]] = field(default_factory=list)
    line_reply_tokens_used: set[str] = field(default_factory=set)
    wechat_cs_sent: list[dict[str, Any]] = field(default_factory=list)
    wechat_cs_errcode: int = 0  # 45015: past 48 hours

    def reset(self) -> None:
        self.wechat_apps.clear()
        self.wechat_codes.clear()
        self.line_tokens.clear()
        self.requests.clear()
        self.delay_s = 0.0
        self.failing = False
        self.line_channel_tokens.clear()
        self.line_retry_keys.clear()
        self.line_pushed.clear()
        self.wechat_sent.clear()
        self.wechat_send_errcode = 0
        self.wechat_access_tokens.clear()
        self.wechat_phone_codes.clear()
        self.line_quota = None
        self.line_replied.clear()
        self.line_reply_tokens_used.clear()
        self.wechat_cs_sent.clear()
        self.wechat_cs_errcode = 0

    @property
    def wechat_token_fetches(self) -> int:
        return sum(1 for r in self.requests if r.path == "/cgi-bin/token")

    def wechat_phone_code(self, appid: str, number: str, country_code: str = "86") -> str:
        code = secrets.token_hex(16)
        self.wechat_phone_codes[code] = (appid, number, country_code)
        return code

    def _wechat_app_of(self, rec: Recorded) -> str | None:
        """The app whose access token the request carries, if the fake issued it."""
        return self.wechat_access_tokens.get(rec.params.get("access_token", ""))

    def wechat_code(self, appid: str, openid: str, unionid: str | None = None) -> str:
        code = secrets.token_hex(16)
        self.wechat_codes[code] = (appid, openid, unionid)
        return code

    def line_token(self, *, channel_id: str, sub: str, nonce: str | None = None, ttl_s: int = 600) -> str:
        token = "line." + secrets.token_urlsafe(24)
        now = int(time.time())
        self.line_tokens[token] = {
            "iss": "https://access.line.me",
            "sub": sub,
            "aud": channel_id,
            "exp": now + ttl_s,
            "iat": now,
            "nonce": nonce,
            "name": "Line User",
        }
        return token

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # --- handlers -------------------------------------------------------------------------

    async def _record(self, request: Request) -> Recorded:
        # wechatpy posts JSON without a JSON content type; forms come with theirs.
        is_form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        form = dict(await request.form()) if request.method == "POST" and is_form else {}
        raw = b"" if is_form else await request.body()
        body = json.loads(raw) if raw else None
        rec = Recorded(
            request.method,
            request.url.path,
            dict(request.query_params),
            {k: str(v) for k, v in form.items()},
            body,
            dict(request.headers),
        )
        self.requests.append(rec)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return rec

    async def wechat_token(self, request: Request) -> JSONResponse:
        rec = await self._record(request)
        if self.failing:
            return JSONResponse({"errcode": -1, "errmsg": "system error"})
        if self.wechat_apps.get(rec.params.get("appid", "")) != rec.params.get("secret"):
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        token = "AT-" + secrets.token_hex(8)
        self.wechat_access_tokens[token] = rec.params["appid"]
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def wechat_phone(self, request: Request) -> JSONResponse:
        """POST wxa/business/getuserphonenumber?access_token=...: a getPhoneNumber code, once."""
        rec = await self._record(request)
        appid = self._wechat_app_of(rec)
        if appid is None:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        if self.failing:
            return JSONResponse({"errcode": -1, "errmsg": "system error"})
        found = self.wechat_phone_codes.pop((rec.body or {}).get("code", ""), None)
        if found is None or found[0] != appid:
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        _, number, country = found
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "ok",
                "phone_info": {
                    "phoneNumber": number,
                    "purePhoneNumber": number,
                    "countryCode": country,
                    "watermark": {"timestamp": int(time.time()), "appid": appid},
                },
            }
        )

    async def jscode2session(self, request: Request) -> JSONResponse:
        rec = await self._record(request)
        if self.failing:
            return JSONResponse({"errcode": -1, "errmsg": "system error"})
        p = rec.params
        if self.wechat_apps.get(p.get("appid", "")) != p.get("secret"):
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        found = self.wechat_codes.pop(p.get("js_code", ""), None)  # a wx.login code works once
        if found is None or found[0] != p.get("appid") or p.get("grant_type") != "authorization_code":
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        _, openid, unionid = found
        body = {"openid": openid, "session_key": secrets.token_hex(12)}
        if unionid:
            body["unionid"] = unionid
        return JSONResponse(body)

    async def line_verify(self, request: Request) -> JSONResponse:
        rec = await self._record(request)
        if self.failing:
            return JSONResponse({"error": "server_error"}, status_code=500)
        claims = self.line_tokens.get(rec.form.get("id_token", ""))
        if claims is None:
            return JSONResponse({"error": "invalid_request", "error_description": "Invalid IdToken."}, 400)
        if rec.form.get("client_id") != claims["aud"]:
            return JSONResponse({"error": "invalid_request", "error_description": "Invalid IdToken Audience."}, 400)
        if claims["exp"] <= time.time():
            return JSONResponse({"error": "invalid_request", "error_description": "IdToken expired."}, 400)
        if "nonce" in rec.form and rec.form["nonce"] != claims.get("nonce"):
            return JSONResponse({"error": "invalid_request", "error_description": "Invalid IdToken Nonce."}, 400)
        return JSONResponse({k: v for k, v in claims.items() if v is not None})

    async def wechat_subscribe_send(self, request: Request) -> JSONResponse:
        """POST cgi-bin/message/subscribe/send?access_token=...: a mini-program subscribe message."""
        rec = await self._record(request)
        if self._wechat_app_of(rec) is None:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        if self.failing or self.wechat_send_errcode:
            return JSONResponse({"errcode": self.wechat_send_errcode or -1, "errmsg": "refused"})
        self.wechat_sent.append(rec.body)
        # WeChat answers a msgid; its subscribe_msg_sent_event receipt names it.
        return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": 1700000000000000000 + len(self.wechat_sent)})

    async def line_push(self, request: Request) -> JSONResponse:
        """POST v2/bot/message/push: LINE accepts a retry key once and answers 409 to a repeat."""
        rec = await self._record(request)
        if self.failing:
            return JSONResponse({"message": "server error"}, status_code=500)
        token = rec.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.line_channel_tokens:
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        key = rec.headers.get("x-line-retry-key", "")
        if key in self.line_retry_keys:
            return JSONResponse({"message": "The retry key is already accepted"}, status_code=409)
        if key:
            self.line_retry_keys.add(key)
        self.line_pushed.append(rec.body)
        return JSONResponse({"sentMessages": [{"id": secrets.token_hex(8)}]})

    async def line_reply(self, request: Request) -> JSONResponse:
        """POST v2/bot/message/reply: a reply token works once."""
        rec = await self._record(request)
        if not self._line_authorized(rec):
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        token = (rec.body or {}).get("replyToken", "")
        if not token or token in self.line_reply_tokens_used:
            return JSONResponse({"message": "Invalid reply token"}, status_code=400)
        self.line_reply_tokens_used.add(token)
        self.line_replied.append(rec.body)
        return JSONResponse({"sentMessages": [{"id": secrets.token_hex(8)}]})

    async def wechat_cs_send(self, request: Request) -> JSONResponse:
        """POST cgi-bin/message/custom/send?access_token=...: a customer-service message."""
        rec = await self._record(request)
        if self._wechat_app_of(rec) is None:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        if self.wechat_cs_errcode:
            return JSONResponse({"errcode": self.wechat_cs_errcode, "errmsg": "refused"})
        self.wechat_cs_sent.append(rec.body)
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    def _line_authorized(self, rec: Recorded) -> bool:
        return rec.headers.get("authorization", "").removeprefix("Bearer ") in self.line_channel_tokens

    async def line_quota_limit(self, request: Request) -> JSONResponse:
        """GET v2/bot/message/quota."""
        rec = await self._record(request)
        if not self._line_authorized(rec):
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        if self.line_quota is None:
            return JSONResponse({"type": "none"})
        return JSONResponse({"type": "limited", "value": self.line_quota})

    async def line_quota_used(self, request: Request) -> JSONResponse:
        """GET v2/bot/message/quota/consumption."""
        rec = await self._record(request)
        if not self._line_authorized(rec):
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        return JSONResponse({"totalUsage": len(self.line_pushed)})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/message/subscribe/send", self.wechat_subscribe_send, methods=["POST"]),
                Route("/v2/bot/message/push", self.line_push, methods=["POST"]),
                Route("/v2/bot/message/reply", self.line_reply, methods=["POST"]),
                Route("/cgi-bin/message/custom/send", self.wechat_cs_send, methods=["POST"]),
                Route("/v2/bot/message/quota", self.line_quota_limit),
                Route("/v2/bot/message/quota/consumption", self.line_quota_used),
                Route("/cgi-bin/token", self.wechat_token),
                Route("/wxa/business/getuserphonenumber", self.wechat_phone, methods=["POST"]),
                Route("/sns/jscode2session", self.jscode2session),
                Route("/oauth2/v2.1/verify", self.line_verify, methods=["POST"]),
            ]
        )


class ServedFake:
    """Runs a FakeUpstream under uvicorn in a background thread on a free loopback port."""

    def __init__(self, fake: FakeUpstream) -> None:
        self.fake = fake
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        fake.base_url = f"http://127.0.0.1:{port}/"
        config = uvicorn.Config(fake.app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> FakeUpstream:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake upstream did not start")
            time.sleep(0.01)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()
