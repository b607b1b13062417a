"""File downloads that do not fit a GraphQL answer, for HQ: the printer's CSV of a code batch
(streamed), and print-ready labels (a ZIP of PNG or SVG images, or A4 PDF sheets)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import BinaryIO

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from access.sessions import caller_from_token
from foundation import cpu, global_ids
from foundation.auth.caller import Caller, Role
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.settings import Settings
from loyalty import printing
from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import CodeBatch, LoyaltyPolicy
from loyalty.services import batches, policy as policies
from referral.qr import QrFormat

Endpoint = Callable[[Request], Awaitable[Response]]


class _Refusal(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.response = JSONResponse(
            {"errors": [{"message": message, **({"code": code} if code else {})}]}, status_code=status
        )


def code_batch_csv(settings: Settings) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            batch, policy, key = await _hq_batch(settings, request)
            try:
                chunks = batches.csv_chunks(batch, policy, key)
            except LoyaltyError as exc:
                raise _Refusal(409, exc.message, exc.code.value) from None
        except _Refusal as refusal:
            return refusal.response
        return StreamingResponse(
            chunks,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="batch-{batch.id}-{batch.sku}.csv"'},
        )

    return endpoint


def code_batch_labels(settings: Settings) -> Endpoint:
    """GET .../labels.pdf or .../labels.zip?format=png|svg, with ?start=<first serial>&count=<how many>."""

    async def endpoint(request: Request) -> Response:
        try:
            batch, policy, key = await _hq_batch(settings, request)
            kind = request.path_params["kind"]
            fmt = request.query_params.get("format", "png")
            if kind not in ("pdf", "zip") or (kind == "zip" and fmt not in ("png", "svg")):
                raise _Refusal(404, "Labels come as labels.pdf, or labels.zip?format=png|svg.")
            limit = printing.MAX_SHEET_LABELS if kind == "pdf" else printing.MAX_ARCHIVE_LABELS
            try:
                start = int(request.query_params.get("start", "0"))
                count = int(request.query_params.get("count", "24"))
                labels = batches.labels(batch, policy, key, start=start, count=count, limit=limit)
            except ValueError:
                raise _Refusal(400, "start and count must be whole numbers.", "LABEL_RANGE_INVALID") from None
            except LoyaltyError as exc:
                # Nothing wrong with the request while the brand has not named its URL: 409.
                status = 409 if exc.code is LoyaltyErrorCode.ITEM_URL_NOT_SET else 400
                raise _Refusal(status, exc.message, exc.code.value) from None
        except _Refusal as refusal:
            return refusal.response
        name = f"batch-{batch.id}-{batch.sku}-{start}-{start + count - 1}"
        # Rendering is CPU work: a worker thread keeps the event loop answering other requests.
        if kind == "pdf":
            title = f"{batch.product_name} ({batch.sku}) batch {batch.id}, codes {start}-{start + count - 1}"
            # Spooled to disk past 1 MB, then streamed: a 2,400-label sheet never sits whole in memory twice.
            spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)
            await cpu.offload(lambda: printing.pdf_sheets(labels, spool, title=title))
            spool.seek(0)
            return StreamingResponse(
                _chunks(spool),
                media_type="application/pdf",
                headers={"content-disposition": f'attachment; filename="{name}.pdf"'},
            )
        body = await cpu.offload(lambda: printing.archive(labels, QrFormat(fmt)))
        return Response(
            body,
            media_type="application/zip",
            headers={"content-disposition": f'attachment; filename="{name}-{fmt}.zip"'},
        )

    return endpoint


async def _chunks(spool: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await to_thread.run_sync(spool.read, 1 << 16):
            yield chunk
    finally:
        spool.close()


async def _hq_batch(settings: Settings, request: Request) -> tuple[CodeBatch, LoyaltyPolicy, bytes]:
    try:
        caller = await caller_of(settings, request)
    except AuthError as exc:
        raise _Refusal(401, exc.message, exc.code.value) from None
    if not caller.has(Role.HQ):
        raise _Refusal(403, "HQ only.", AuthErrorCode.FORBIDDEN.value)
    batch_id = global_ids.key_of(request.path_params["batch_id"], "CodeBatch")
    if batch_id is None:
        raise _Refusal(404, "No such batch.", LoyaltyErrorCode.BATCH_NOT_FOUND.value)
    try:
        batch = await batches.get(brand_id=caller.brand_id, batch_id=batch_id)
    except LoyaltyError as exc:
        raise _Refusal(404, exc.message, exc.code.value) from None
    key = settings.item_keyring.key(batch.key_id)
    if key is None:
        raise _Refusal(409, "This batch's key is no longer configured.")
    return batch, await policies.get(brand_id=caller.brand_id), key


async def caller_of(settings: Settings, request: Request) -> Caller:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(AuthErrorCode.UNAUTHENTICATED, "Send a staff token as 'Authorization: Bearer <token>'.")
    return await caller_from_token(settings=settings, token=token.strip())
