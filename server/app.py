"""The ASGI application: GraphQL at /graphql, health at /health."""

from __future__ import annotations

import functools
import gc
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from access.sessions import caller_from_token, consumer_from_token
from foundation import replica
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.integrations.clients import open_integrations
from foundation.metrics import exposition
from foundation.ratelimit import open_limiter
from foundation.settings import Mode, Settings, get_settings
from schema.context import Context
from schema.permissions import CHECK_OWN_SESSION
from schema.root import Schema, build_schema
from server import console, graphiql, insight_exports
from server.client_fingerprints import seen_in
from server.cors import BrowserOrigins
from server.db import tortoise_config
from server.exports import code_batch_csv, code_batch_labels
from server.graphql_http import GraphQLEndpoint
from server.insight_exports import csv_endpoint
from server.line_webhook import line_webhook_endpoint
from server.persisted_queries import load_manifest
from server.report_exports import attribution_csv
from server.request_log import RequestContext
from server.wechat_callback import wechat_callback
from server.wiring import wire

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    manage_db: bool = True,
    schema: Schema | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """Build the app. With manage_db=False the caller (a test) has already initialised tortoise;
    `clock` lets a test move time (enrolment expiry, guide switching periods)."""
    settings = settings or get_settings()
    wiring = wire()
    schema = schema or _schema(
        max_depth=settings.max_query_depth,
        max_tokens=settings.max_query_tokens,
        max_aliases=settings.max_aliases,
        introspection=settings.introspection,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if manage_db:
                await stack.enter_async_context(RegisterTortoise(app, config=tortoise_config(settings.database_url)))
                await replica.open_replica(settings.database_replica_url, settings.replica_staleness_s)
                stack.push_async_callback(replica.close_replica)
            app.state.integrations = await stack.enter_async_context(open_integrations(settings))
            app.state.limiter, redis = open_limiter(
                settings.rate_limits, settings.redis_url, settings.signing_key("rate-limits")
            )
            if redis is not None:
                stack.push_async_callback(redis.aclose)
            if manage_db:
                _tune_gc()
            log.info("scrm started in %s mode", settings.mode)
            yield

    fingerprint_key = settings.signing_key("fingerprints")

    async def context_factory(request: Request) -> Context:
        caller, error, read_session = None, None, None
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                error = AuthError(AuthErrorCode.TOKEN_INVALID, "Send the token as 'Authorization: Bearer <token>'.")
            else:
                token = token.strip()
                try:
                    if _checks_own_session(request):
                        caller = consumer_from_token(settings=settings, token=token)
                    if caller is not None:
                        read_session = functools.partial(caller_from_token, settings=settings, token=token)
                    else:
                        caller = await caller_from_token(settings=settings, token=token)
                except AuthError as exc:
                    error = exc
        return Context(
            request=request,
            settings=settings,
            integrations=request.app.state.integrations,
            limiter=request.app.state.limiter,
            member_data=wiring.member_data,
            on_event_step=wiring.on_event_step,
            seen=functools.partial(seen_in, request, fingerprint_key),
            clock=clock,
            caller=caller,
            auth_error=error,
            read_session=read_session,
        )

    async def metrics(request: Request) -> Response:
        if not _may_scrape(request, settings):
            return PlainTextResponse("Forbidden", 403)
        body, media_type = exposition()
        return Response(body, media_type=media_type)

    async def health(request: Request) -> JSONResponse:
        try:
            await connections.get("default").execute_query("SELECT 1")
        except Exception:  # noqa: BLE001 - any failure means "not ready", and is logged, not shown
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "mode": settings.mode.value})

    async def new_document(request: Request) -> None:
        # Parsing and validating a document nobody sent before is the costly part of a request:
        # counted per client address, so one client cannot keep a worker validating.
        client = request.client
        await request.app.state.limiter.check([("new-document.ip", client.host if client else "unknown")])

    endpoint = GraphQLEndpoint(
        schema,
        context_factory=context_factory,
        max_body_bytes=settings.max_body_bytes,
        graphiql=settings.graphiql,
        max_tokens=settings.max_query_tokens,
        on_new_document=new_document,
        operations=load_manifest(settings.operations_file) if settings.operations_file else None,
    )
    routes = [
        Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/exports/code-batches/{batch_id}.csv", code_batch_csv(settings), methods=["GET"]),
        Route("/exports/reports/attribution.csv", attribution_csv(settings), methods=["GET"]),
        *(
            Route(f"/exports/reports/{name}.csv", csv_endpoint(settings, report, clock), methods=["GET"])
            for name, report in insight_exports.REPORTS.items()
        ),
        Route("/wechat/{brand}/callback", wechat_callback(clock), methods=["GET", "POST"]),
        Route("/line/{brand}/webhook", line_webhook_endpoint(clock), methods=["POST"]),
        Route("/exports/code-batches/{batch_id}/labels.{kind}", code_batch_labels(settings), methods=["GET"]),
    ]
    routes.append(Mount("/console", app=console.ConsoleFiles()))
    if settings.graphiql:
        routes.append(Mount(graphiql.ASSETS_URL.rstrip("/"), app=StaticFiles(directory=graphiql.ASSETS)))
    app = Starlette(
        routes=routes, lifespan=lifespan, middleware=[Middleware(RequestContext), Middleware(BrowserOrigins)]
    )
    app.state.settings = settings
    return app


@functools.lru_cache(maxsize=4)
def _schema(*, max_depth: int, max_tokens: int, max_aliases: int, introspection: bool) -> Schema:
    """Apps with the same limits share one schema. A schema is large, and the parse, validation and
    input-check caches key on it: each new one stayed alive in them (a test process building an app
    per test held 3.4 million objects, and each full collection took up to 5 s)."""
    return build_schema(
        max_depth=max_depth, max_tokens=max_tokens, max_aliases=max_aliases, introspection=introspection
    )


def _tune_gc() -> None:
    """A serving process keeps its schema, models and modules for life: freezing them keeps the
    collector from re-scanning them, and a larger first generation lets short-lived request objects
    die by reference counting before a collection runs (py-spy: 8% of a worker went to gc). Not too
    large: a collection holds the event loop, and 50,000 young objects took 50-100 ms
    (bench/loop_hold.py); 10,000 and older generations collected more often stay near 10-35 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 5, 10)


def _may_scrape(request: Request, settings: Settings) -> bool:
    if settings.metrics_token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), str(settings.metrics_token).encode())
    if settings.mode is not Mode.PRODUCTION:
        return True
    client = request.client
    return client is not None and client.host in ("127.0.0.1", "::1")


def _checks_own_session(request: Request) -> bool:
    """Whether every field the operation asks for reads the session in its own statement."""
    fields = getattr(request.state, "root_fields", None)
    return bool(fields) and fields <= CHECK_OWN_SESSION
