"""Helpers for tests that run `scrm` as a separate process, as a user would."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import httpx

SCRM = str(Path(sys.executable).parent / "scrm")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{base}/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base} did not become healthy in {timeout_s} s")
        time.sleep(0.1)
