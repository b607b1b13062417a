"""File downloads that do not fit a GraphQL answer: the printer's CSV of a code batch, streamed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from loyalty.errors import LoyaltyError
from loyalty.services import batches, policy as policies
from server.auth.caller import Caller, Role
from server.auth.errors import AuthError, AuthErrorCode
from server.auth.service import caller_from_token
from server.settings import Settings


def code_batch_csv(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            caller = await _caller(settings, request)
        except AuthError as exc:
            return JSONResponse({"errors": [{"message": exc.message, "code": exc.code.value}]}, status_code=401)
        if not caller.has(Role.HQ):
            return JSONResponse({"errors": [{"message": "HQ only.", "code": AuthErrorCode.FORBIDDEN.value}]}, status_code=403)
        try:
            batch = await batches.get(brand_id=caller.brand_id, batch_id=int(request.path_params["batch_id"]))
        except LoyaltyError as exc:
            return JSONResponse({"errors": [{"message": exc.message, "code": exc.code.value}]}, status_code=404)
        key = settings.item_keyring.key(batch.key_id)
        if key is None:
            return JSONResponse({"errors": [{"message": "This batch's key is no longer configured."}]}, status_code=409)
        policy = await policies.get(brand_id=caller.brand_id)
        return StreamingResponse(
            batches.csv_chunks(batch, policy, key), media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="batch-{batch.id}-{batch.sku}.csv"'},
        )

    return endpoint


async def _caller(settings: Settings, request: Request) -> Caller:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(AuthErrorCode.UNAUTHENTICATED, "Send an HQ token as 'Authorization: Bearer <token>'.")
    return await caller_from_token(settings=settings, token=token.strip())
