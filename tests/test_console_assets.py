"""The console served at /console is the one its sources build: the committed files carry the
fingerprint of the sources they were built from (clients/console/build.sh), and the app serves
them offline-safe (a policy that forbids other hosts) and cache-safe (hashed names kept for good,
the page itself checked each time)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from server.console import ASSETS

ROOT = Path(__file__).resolve().parent.parent


def test_the_built_console_comes_from_the_committed_sources() -> None:
    made = subprocess.run(
        [sys.executable, str(ROOT / "clients" / "console" / "fingerprint.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (ASSETS / "SOURCES.sha256").read_text().strip() == made.stdout.strip(), (
        "clients/console changed since server/console_assets was built: run clients/console/build.sh"
    )
    page = (ASSETS / "index.html").read_text()
    named = re.findall(r'(?:src|href)="/console/(assets/[^"]+)"', page)
    assert len(named) == 2 and all((ASSETS / name).is_file() for name in named)
    assert "http://" not in page and "https://" not in page


async def test_the_console_is_served_with_its_policy(client) -> None:
    page = await client.http.get("/console/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert page.headers["cache-control"] == "no-cache"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    script = re.search(r'src="(/console/assets/[^"]+\.js)"', page.text)
    assert script is not None
    asset = await client.http.get(script.group(1))
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert (await client.http.get("/console/assets/nothing-here.js")).status_code == 404
    assert (await client.http.get("/console", follow_redirects=False)).status_code in (307, 308)
