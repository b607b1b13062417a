"""Per-request plumbing as ASGI middleware: a request id (kept from a trusted proxy's
X-Request-ID, else new), one access-log line without client address or query string, and the
HTTP metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foundation.logs import REQUEST_ID
from foundation.metrics import observe_request

log = logging.getLogger("scrm.access")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # A stream that breaks after its 200 went out must not pass for a success in the logs.
            failed = True
            raise
        finally:
            elapsed = time.perf_counter() - started
            # The route's template, never the raw path: ids and codes stay out of labels and logs.
            # Starlette's router leaves the route it chose in the (shared) scope.
            route = getattr(scope.get("route"), "path", "other")
            observe_request(route, status, elapsed)
            extra = {
                "method": scope["method"],
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 1),
            }
            if failed:
                log.error("request failed", extra={**extra, "failed": True})
            else:
                log.info("request", extra=extra)
            REQUEST_ID.reset(token)
