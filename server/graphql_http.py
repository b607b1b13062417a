"""GraphQL over HTTP (graphql.github.io/graphql-over-http): media types, status codes, limits.

strawberry's own view always answers 200 application/json, so this endpoint does the HTTP part
and hands the validated request to `schema.execute`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from foundation.cpu import offload
from foundation.ratelimit import RateLimited
from schema import documents, input_limits
from schema.root import Schema
from server import graphiql
from server.persisted_queries import PersistedQueries, PersistedQueryError

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

ContextFactory = Callable[[Request], Awaitable[Any]]


class _RequestError(Exception):
    """The HTTP request is not a well-formed GraphQL request."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
        *,
        unparseable: bool = False,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}
        self.code = code
        # A body that is not JSON at all is a 400 under either media type (graphql-http audit BCF8).
        self.unparseable = unparseable


@dataclass(frozen=True)
class _Params:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when nothing we speak is acceptable.

    A client that names no type (no header, */*) gets application/json, which every client reads;
    one that asks for application/graphql-response+json gets it, with its stricter status codes.
    """
    if not accept or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media == GRAPHQL_RESPONSE_JSON:
            chosen = GRAPHQL_RESPONSE_JSON
        elif media in (APPLICATION_JSON, "*/*", "application/*"):
            chosen = APPLICATION_JSON
        else:
            continue
        # Highest quality wins; on a tie, the client's own order decides.
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, position, chosen)
    return best[2] if best else None


class GraphQLEndpoint:
    def __init__(
        self,
        schema: Schema,
        *,
        context_factory: ContextFactory,
        max_body_bytes: int,
        graphiql: bool,
        max_tokens: int,
        on_new_document: Callable[[Request], Awaitable[None]] | None = None,
        operations: dict[str, str] | None = None,
    ) -> None:
        self.schema = schema
        self.context_factory = context_factory
        self.max_body_bytes = max_body_bytes
        self.graphiql = graphiql
        self.max_tokens = max_tokens
        # Called before a document not seen recently is parsed and validated (a rate limit).
        self.on_new_document = on_new_document
        self.persisted = PersistedQueries(listed=operations)

    async def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET, POST"})
        if request.method == "GET" and self._wants_ide(request):
            return HTMLResponse(graphiql.page())
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            return PlainTextResponse(f"Acceptable: {GRAPHQL_RESPONSE_JSON}, {APPLICATION_JSON}", 406)
        try:
            params = await self._params(request)
        except _RequestError as exc:
            # Under application/json, a parseable but invalid request is answered 200 with errors (legacy clients).
            legacy_ok = media_type == APPLICATION_JSON and exc.status == 400 and not exc.unparseable
            status = 200 if legacy_ok else exc.status
            error: dict[str, Any] = {"message": exc.message}
            if exc.code is not None:
                error["extensions"] = {"code": exc.code}
            return _json({"errors": [error]}, status, media_type, exc.headers)
        return await self._execute(request, params, media_type)

    def _wants_ide(self, request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return self.graphiql and "text/html" in accept and "query" not in request.query_params

    async def _params(self, request: Request) -> _Params:
        if request.method == "GET":
            raw: Any = dict(request.query_params)
            for key in ("variables", "extensions"):
                if key in raw:
                    raw[key] = _loads(raw[key], key)
        else:
            content_type = request.headers.get("content-type", "")
            media, *type_params = (p.strip().lower() for p in content_type.split(";"))
            if media != APPLICATION_JSON:
                raise _RequestError("Content-Type must be application/json.", 415)
            for param in type_params:
                name, _, value = param.partition("=")
                if name == "charset" and value.strip('"') not in ("utf-8", "utf8"):
                    raise _RequestError("Only utf-8 request bodies are accepted.", 415)
            raw = _loads(await self._body(request), "body")
        if not isinstance(raw, dict):
            raise _RequestError("The request must be one JSON object (batching is not supported).")
        query, variables = raw.get("query"), raw.get("variables")
        operation_name, extensions = raw.get("operationName"), raw.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise _RequestError("The 'extensions' parameter must be an object.")
        try:
            query = self.persisted.resolve(query, extensions)
        except PersistedQueryError as exc:
            raise _RequestError(exc.message, code=exc.code) from None
        if not isinstance(query, str) or not query.strip():
            raise _RequestError("The 'query' parameter must be a non-empty string.")
        if variables is not None and not isinstance(variables, dict):
            raise _RequestError("The 'variables' parameter must be an object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise _RequestError("The 'operationName' parameter must be a string.")
        if _has_nul((query, variables, operation_name)):
            # PostgreSQL text cannot hold NUL: refuse it here, for every field, as bad input.
            raise _RequestError("Text may not contain NUL characters.")
        return _Params(query, variables, operation_name, extensions)

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _RequestError("The request body is too large.", 413)
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > self.max_body_bytes:
                raise _RequestError("The request body is too large.", 413)
        if not body:
            raise _RequestError("A POST request needs a JSON body.", unparseable=True)
        return bytes(body)

    async def _execute(self, request: Request, params: _Params, media_type: str) -> Response:
        if self.on_new_document is not None and documents.texts.count(params.query) == 0:
            try:
                await self.on_new_document(request)
            except RateLimited as exc:
                return _json(
                    {"errors": [{"message": exc.message, "extensions": {"code": exc.code.value}}]},
                    429,
                    media_type,
                    {"Retry-After": str(exc.retry_after_s)},
                )
        ready: documents.Prepared | None = None
        if documents.texts.note(params.query) > 1:
            refusal = input_limits.check(
                self.schema._schema, params.query, params.variables, max_tokens=self.max_tokens, cached=True
            )
        else:
            refusal, ready = await offload(self._first_sight, params)
        if refusal is not None:
            # Before the session is read or anything runs: the text never reaches a query or a log line.
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return _json({"errors": [refusal.formatted]}, status, media_type)
        allowed = {OperationType.QUERY}
        if request.method == "POST":
            allowed.add(OperationType.MUTATION)
        # Which fields the operation asks for at its root, known before the session is read: some
        # read it in their own statement (schema.permissions.CHECK_OWN_SESSION).
        request.state.root_fields = documents.root_fields(
            params.query, params.operation_name, max_tokens=self.max_tokens
        )
        context = await self.context_factory(request)
        handed = documents.prepared.set(ready)
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as exc:
            if request.method == "GET":
                return _json({"errors": [{"message": "Mutations need POST."}]}, 405, media_type, {"Allow": "POST"})
            return _request_failure(exc.as_http_error_reason(request.method), media_type)
        except CannotGetOperationTypeError as exc:
            return _request_failure(exc.as_http_error_reason(), media_type)
        except MissingQueryError:
            return _request_failure("No GraphQL query found in the request.", media_type)
        finally:
            documents.prepared.reset(handed)
        errors = [_format(e) for e in result.errors or ()]
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            # No execution started (parse, validation, variables, unknown operation): a request error.
            return _json({"errors": errors}, 400 if media_type == GRAPHQL_RESPONSE_JSON else 200, media_type)
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = errors
        return _json(body, 200, media_type)

    def _first_sight(self, params: _Params) -> tuple[GraphQLError | None, documents.Prepared | None]:
        """A text not seen lately: checked, parsed and validated in a worker thread, cached nowhere."""
        refusal = input_limits.check(
            self.schema._schema, params.query, params.variables, max_tokens=self.max_tokens, cached=False
        )
        if refusal is not None:
            return refusal, None
        return None, documents.prepare(
            self.schema._schema, params.query, self.schema.validation_rules, max_tokens=self.max_tokens
        )


def _request_failure(message: str, media_type: str) -> Response:
    return _json({"errors": [{"message": message}]}, 400 if media_type == GRAPHQL_RESPONSE_JSON else 200, media_type)


def _format(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    if error.original_error is not None and not formatted.get("extensions", {}).get("code"):
        code = getattr(getattr(error.original_error, "code", None), "value", None)
        if code:
            formatted.setdefault("extensions", {})["code"] = code
    return formatted


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def _loads(raw: str | bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _RequestError(f"The {what} is not valid JSON.", unparseable=True) from None


def _json(body: dict[str, Any], status: int, media_type: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, media_type=f"{media_type}; charset=utf-8", headers=headers)
