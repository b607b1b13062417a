"""A real browser for the console's tests: Debian's chromium driven by Playwright, every request to
another host refused and counted, every page error and console error collected."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclass
class Browsing:
    page: Any
    # Requests to anywhere but the server (there must be none: these machines are offline).
    elsewhere: list[str] = field(default_factory=list)
    # Uncaught errors and console errors on the page.
    problems: list[str] = field(default_factory=list)

    async def sign_in(self, username: str, password: str = factories.STAFF_PASSWORD, brand: str = "acme") -> None:
        await self.page.fill("[data-testid=brand]", brand)
        await self.page.fill("[data-testid=username]", username)
        await self.page.fill("[data-testid=password]", password)
        await self.page.click("[data-testid=sign-in-button]")

    async def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        await self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@asynccontextmanager
async def browsing(base: str) -> AsyncIterator[Browsing]:
    """A page in Shanghai's zone, in English, downloads accepted; skips where there is no browser."""
    playwright = pytest.importorskip("playwright.async_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is needed (.ci/run installs it)")
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            context = await browser.new_context(accept_downloads=True, locale="en-US", timezone_id="Asia/Shanghai")
            out = Browsing(page=await context.new_page())

            async def only_here(route) -> None:  # type: ignore[no-untyped-def]
                if route.request.url.startswith(base):
                    await route.continue_()
                else:
                    out.elsewhere.append(route.request.url)
                    await route.abort()

            await out.page.route("**/*", only_here)
            out.page.on("pageerror", lambda error: out.problems.append(str(error)))
            out.page.on("console", lambda m: out.problems.append(m.text) if m.type == "error" else None)
            yield out
        finally:
            await browser.close()
