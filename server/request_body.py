"""Reading a request body with a ceiling, for endpoints the platforms call (their pushes are small)."""

from __future__ import annotations

from starlette.requests import Request


async def limited(request: Request, max_bytes: int) -> bytes | None:
    """The body, or None as soon as it passes `max_bytes` (the rest is not read)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
