"""The process-wide WeChat and LINE clients, opened with the app and closed with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
import redis.asyncio as aioredis

from foundation.integrations.line import LineLogin
from foundation.integrations.line_push import LinePush
from foundation.integrations.wechat import WeChat
from foundation.integrations.wechat_tokens import DatabaseTokens, RedisTokens, SharedTokens, TokenStore
from foundation.settings import Settings


@dataclass(frozen=True)
class Integrations:
    wechat: WeChat
    line: LineLogin
    line_push: LinePush
    # Shared state between workers (WeChat's token, the outbox's pace); None without REDIS_URL.
    redis: aioredis.Redis | None = None


@asynccontextmanager
async def open_integrations(settings: Settings) -> AsyncIterator[Integrations]:
    timeout = httpx.Timeout(settings.upstream_timeout_s)
    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=timeout, follow_redirects=False))
        store: TokenStore = DatabaseTokens()
        client: aioredis.Redis | None = None
        if settings.redis_url is not None:
            client = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
            stack.push_async_callback(client.aclose)
            store = RedisTokens(client)
        yield Integrations(
            wechat=WeChat(
                base_url=settings.wechat_api_base_url,
                timeout_s=settings.upstream_timeout_s,
                max_threads=settings.upstream_max_threads,
                tokens=SharedTokens(store),
            ),
            line=LineLogin(base_url=settings.line_api_base_url, http=http),
            line_push=LinePush(
                base_url=settings.line_api_base_url,
                timeout_s=settings.upstream_timeout_s,
                max_threads=settings.upstream_max_threads,
            ),
            redis=client,
        )
