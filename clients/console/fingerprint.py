"""Prints the SHA-256 of the console's sources (what build.sh builds from), so a test can tell
whether server/console_assets was built from the sources as committed."""

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ["package.json", "package-lock.json", "tsconfig.json", "vite.config.ts", "index.html"]

digest = hashlib.sha256()
for path in [HERE / name for name in SOURCES] + sorted((HERE / "src").rglob("*")):
    if path.is_file():
        digest.update(path.relative_to(HERE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
print(digest.hexdigest())
