"""Cross-origin requests from browsers (CORS): a page on an origin some brand allows (its LIFF app,
its web shop) may call the API; any other origin's preflight is refused with 403, and its other
requests get no CORS headers, so the browser keeps their answers from the page. Requests without an
Origin header (the mini-program, servers, curl) pass untouched."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foundation.tenancy import origins

_MAX_AGE_S = 600
_ALLOWED_HEADERS = "authorization, content-type, accept"


class BrowserOrigins:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = origin in await origins.allowed()
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await _preflight(origin, allowed)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.add_vary_header("Origin")
                if allowed:
                    out["Access-Control-Allow-Origin"] = origin
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _preflight(origin: str, allowed: bool) -> Response:
    if not allowed:
        return PlainTextResponse("This origin may not call the API.", 403, headers={"Vary": "Origin"})
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": _ALLOWED_HEADERS,
            "Access-Control-Max-Age": str(_MAX_AGE_S),
            "Vary": "Origin",
        },
    )
