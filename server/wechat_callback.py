"""`/wechat/<brand>/callback`: WeChat's server push for a brand's mini-program. GET answers the echo
check; POST takes subscribe-popup answers, subscription changes and user messages. Unsigned, stale,
replayed or undecryptable pushes get a 4xx, and are logged by reason, never by content."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from foundation import cpu
from foundation.integrations import wechat_push
from foundation.tenancy import nonces, service as brands
from reach import conversations
from referral.services import inbound
from server import request_body

log = logging.getLogger("scrm.wechat.callback")
Endpoint = Callable[[Request], Awaitable[Response]]


def wechat_callback(clock: Callable[[], datetime]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        brand = await brands.get_by_slug(request.path_params["brand"])
        if brand is None or not brand.wechat_callback_token or not brand.wechat_appid:
            return PlainTextResponse("not found", status_code=404)
        creds = wechat_push.Credentials(brand.wechat_callback_token, brand.wechat_aes_key, brand.wechat_appid)
        params = {k: v for k, v in request.query_params.items()}
        try:
            if request.method == "GET":
                return PlainTextResponse(wechat_push.echo(creds, params))
            body = await request_body.limited(request, wechat_push.MAX_BODY)
            if body is None:
                raise wechat_push.CallbackRefused(413, "body too large")
            now = clock()
            nonce, pushes = await cpu.offload(partial(wechat_push.read, creds, params, body, now=now.timestamp()))
            if not await nonces.first_time(brand_id=brand.id, channel="wechat", nonce=nonce, now=now):
                raise wechat_push.CallbackRefused(409, "replayed nonce")
        except wechat_push.CallbackRefused as refused:
            log.warning("wechat push refused for brand %s: %s", brand.id, refused.reason)
            return PlainTextResponse("refused", status_code=refused.status)
        done = await inbound.from_wechat(brand=brand, pushes=pushes, now=now)
        await _converse(request, done.stored, now)
        log.info("wechat push for brand %s: %s", brand.id, dict(done.done))
        return PlainTextResponse("success")

    return endpoint


async def _converse(request: Request, stored: list[int], now: datetime) -> None:
    """File the members' messages in their conversations; a keyword reply goes out now (a LINE reply
    token lives about a minute)."""
    if stored:
        integrations = request.app.state.integrations
        platforms = conversations.Platforms(line=integrations.line_push, wechat=integrations.wechat)
        await conversations.receive(inbound_ids=stored, platforms=platforms, now=now)
