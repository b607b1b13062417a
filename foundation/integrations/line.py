"""LINE Login ID-token verification through LINE's documented verify endpoint."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)

_ISSUER = "https://access.line.me"


class LineUnavailable(Exception):
    """LINE did not answer as documented."""


class LineTokenRejected(Exception):
    """The ID token is invalid, expired, for another channel, or its nonce does not match."""


@dataclass(frozen=True)
class LineIdentity:
    user_id: str
    name: str | None


class LineLogin:
    def __init__(self, *, base_url: str, http: httpx.AsyncClient) -> None:
        self._verify_url = base_url + "oauth2/v2.1/verify"
        self._http = http

    async def verify_id_token(self, *, channel_id: str, id_token: str, nonce: str | None) -> LineIdentity:
        """Verify with LINE, then re-check audience, issuer, expiry and nonce ourselves."""
        form = {"id_token": id_token, "client_id": channel_id}
        if nonce:
            form["nonce"] = nonce
        try:
            response = await self._http.post(self._verify_url, data=form)
        except httpx.HTTPError as exc:
            log.warning("line verify failed: %s", type(exc).__name__)
            raise LineUnavailable(type(exc).__name__) from None
        if response.status_code == 400:
            raise LineTokenRejected("rejected by LINE")
        if response.status_code != 200:
            raise LineUnavailable(f"HTTP {response.status_code}")
        try:
            claims = response.json()
        except ValueError:
            raise LineUnavailable("verify answer is not JSON") from None
        # Defence in depth: a proxy or a misconfigured base URL must not turn any token into a sign-in.
        if (
            claims.get("iss") != _ISSUER
            or str(claims.get("aud")) != channel_id
            or int(claims.get("exp", 0)) <= time.time()
            or (nonce is not None and claims.get("nonce") != nonce)
            or not claims.get("sub")
        ):
            raise LineTokenRejected("claims do not match")
        return LineIdentity(user_id=str(claims["sub"]), name=claims.get("name"))
