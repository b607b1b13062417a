"""What a request tells about where it came from, as keyed hashes (evidence for ring detection):
the client's address and the device id the mini-program sends in X-Device-Id."""

from __future__ import annotations

import hashlib

from starlette.requests import Request

from referral.models import FingerprintKind


def seen_in(request: Request, key: bytes) -> list[tuple[FingerprintKind, str]]:
    seen = []
    if request.client is not None:
        seen.append((FingerprintKind.IP, _digest(key, request.client.host)))
    device = request.headers.get("x-device-id", "").strip()
    if 8 <= len(device) <= 128:
        seen.append((FingerprintKind.DEVICE, _digest(key, device)))
    return seen


def _digest(key: bytes, value: str) -> str:
    return hashlib.blake2s(value.encode(), key=key[:32], digest_size=16).hexdigest()
