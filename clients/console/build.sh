#!/usr/bin/env bash
# Builds the HQ console from the pinned npm packages (package-lock.json) into server/console_assets,
# which the app serves at /console and which is committed: the console needs no npm, and no
# internet, to run or to be tested. Rerun after changing anything here; tests/test_console_assets.py
# checks that the built files come from these sources (their fingerprint).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --silent --no-audit --no-fund
npm run build --silent
python3 fingerprint.py > ../../server/console_assets/SOURCES.sha256
