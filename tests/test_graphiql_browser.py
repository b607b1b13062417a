"""GraphiQL in a real browser (Debian's chromium, driven by Playwright) with every request to another
host refused, as on a machine without internet: the page renders and opens on the role examples."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.processes import SCRM, serving

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"


def test_graphiql_renders_with_no_internet(cli_env: dict[str, str]) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is needed (.ci/run installs it)")
    subprocess.run([SCRM, "migrate"], env=cli_env, check=True, capture_output=True, timeout=120)
    env = {**cli_env, "SCRM_GRAPHIQL": "1"}
    with serving(env) as (base, _), playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page()
            elsewhere: list[str] = []

            def only_here(route) -> None:  # type: ignore[no-untyped-def]
                if route.request.url.startswith(base):
                    route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    route.abort()

            page.route("**/*", only_here)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(f"{base}/graphql", wait_until="networkidle")
            page.wait_for_selector(".graphiql-tab", timeout=20_000)
            tabs = page.locator(".graphiql-tab").all_inner_texts()
            editor = page.locator(".graphiql-query-editor").inner_text()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "graphiql.png"), full_page=True)
        finally:
            browser.close()
    assert elsewhere == [] and failed == [], (elsewhere, failed)
    assert [t.strip() for t in tabs] == ["MemberSignIn", "GuideSignIn", "HqSignIn"], tabs
    assert "Member (consumer)" in editor and "devSignIn" in editor
