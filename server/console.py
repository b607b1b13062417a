"""The HQ console at /console: the built files of clients/console (committed in console_assets, so
serving and testing it needs neither npm nor the internet). The page speaks to /graphql and
/exports like any client and loads nothing from another host, which its Content-Security-Policy
makes the browser enforce."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS = Path(__file__).parent / "console_assets"
# ECharts sizes its canvas through style attributes: styles may be inline, scripts may not.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class ConsoleFiles(StaticFiles):
    """The built files; their names carry a hash of their content (assets/), so they are cached for
    good, while index.html, which names them, is checked each time."""

    def __init__(self) -> None:
        super().__init__(directory=ASSETS, html=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["content-security-policy"] = POLICY
        response.headers["x-content-type-options"] = "nosniff"
        immutable = path.startswith("assets/") and response.status_code == 200
        response.headers["cache-control"] = "public, max-age=31536000, immutable" if immutable else "no-cache"
        return response
