"""`/line/<brand>/webhook`: LINE's webhook for a brand's official account. Follow, unfollow and block
set whether a member can be pushed; texts are kept for two-way messaging. An unsigned or replayed
delivery gets a 4xx, logged by reason, never by content."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from foundation import cpu
from foundation.integrations import line_webhook
from foundation.tenancy import service as brands
from reach import conversations
from referral.services import inbound
from server import request_body

log = logging.getLogger("scrm.line.webhook")
Endpoint = Callable[[Request], Awaitable[Response]]


def line_webhook_endpoint(clock: Callable[[], datetime]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        brand = await brands.get_by_slug(request.path_params["brand"])
        if brand is None or not brand.line_channel_secret:
            return PlainTextResponse("not found", status_code=404)
        try:
            body = await request_body.limited(request, line_webhook.MAX_BODY)
            if body is None:
                raise line_webhook.WebhookRefused(413, "body too large")
            signature = request.headers.get("x-line-signature", "")
            events = await cpu.offload(partial(line_webhook.read, brand.line_channel_secret, body, signature))
        except line_webhook.WebhookRefused as refused:
            log.warning("line webhook refused for brand %s: %s", brand.id, refused.reason)
            return PlainTextResponse("refused", status_code=refused.status)
        now = clock()
        done = await inbound.from_line(brand=brand, events=events, now=now)
        await _converse(request, done.stored, now)
        if events and done["repeated"] == len(events):
            log.warning("line webhook refused for brand %s: replayed delivery", brand.id)
            return PlainTextResponse("replayed", status_code=409)
        log.info("line webhook for brand %s: %s", brand.id, dict(done.done))
        return PlainTextResponse("ok")

    return endpoint


async def _converse(request: Request, stored: list[int], now: datetime) -> None:
    """File the members' messages in their conversations; a keyword reply goes out now (a LINE reply
    token lives about a minute)."""
    if stored:
        integrations = request.app.state.integrations
        platforms = conversations.Platforms(line=integrations.line_push, wechat=integrations.wechat)
        await conversations.receive(inbound_ids=stored, platforms=platforms, now=now)
