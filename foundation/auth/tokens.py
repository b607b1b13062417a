"""Session tokens: HS256 JWTs naming the brand and the principal, with an expiry."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Literal

import jwt

from foundation.auth.errors import AuthError, AuthErrorCode as Code

_ALGORITHM = "HS256"
_ISSUER = "scrm"

PrincipalKind = Literal["member", "staff"]


@dataclass(frozen=True)
class TokenClaims:
    brand_id: int
    kind: PrincipalKind
    principal_id: int
    version: int
    expires_at: int


def issue(
    *,
    secret: str,
    brand_id: int,
    kind: PrincipalKind,
    principal_id: int,
    ttl_s: int,
    version: int = 1,
    now: float | None = None,
) -> tuple[str, int]:
    """Return (token, expires_at epoch seconds)."""
    issued = int(time.time() if now is None else now)
    expires_at = issued + ttl_s
    payload = {
        "iss": _ISSUER,
        "sub": f"{kind}:{principal_id}",
        "brand": brand_id,
        "ver": version,
        "iat": issued,
        "exp": expires_at,
    }
    return jwt.encode(payload, secret, algorithm=_ALGORITHM), expires_at


def decode(token: str, *, secret: str, now: float | None = None) -> TokenClaims:
    """Verify signature, issuer and expiry; raises TOKEN_EXPIRED or TOKEN_INVALID."""
    claims = _verified(token, secret)
    if claims.expires_at <= (time.time() if now is None else now):
        raise AuthError(Code.TOKEN_EXPIRED, "Your session has expired; please sign in again.")
    return claims


@functools.lru_cache(maxsize=8192)
def _verified(token: str, secret: str) -> TokenClaims:
    """A token's signature and claims, checked once per worker: a phone sends the same token with
    every request, and HMAC plus JSON cost more than the rest of a small request's auth. Only tokens
    that verify are cached (an exception is never cached); expiry is checked on every use."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=_ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False},
        )
        raw_kind, _, raw_id = str(payload["sub"]).partition(":")
        kind: PrincipalKind = "member" if raw_kind == "member" else "staff"
        if raw_kind != kind:
            raise ValueError(raw_kind)
        return TokenClaims(
            brand_id=int(payload["brand"]),
            kind=kind,
            principal_id=int(raw_id),
            version=int(payload.get("ver", 1)),
            expires_at=int(payload["exp"]),
        )
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        raise AuthError(Code.TOKEN_INVALID, "The session token is not valid.") from None
