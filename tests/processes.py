"""Helpers for tests that run `scrm` as a separate process, as a user would."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

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


def wait_workers_started(log: Path, workers: int, timeout_s: float = 60) -> None:
    """/health answers as soon as one worker is up; a test that kills or counts workers needs all
    of them serving, or its victim may be one that never took a request."""
    deadline = time.monotonic() + timeout_s
    while log.read_text(errors="replace").count("Application startup complete") < workers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{workers} workers did not start in {timeout_s} s")
        time.sleep(0.1)


@contextmanager
def serving(env: dict[str, str], workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`scrm serve` on a free port with `workers` processes; yields the base URL and the supervisor."""
    port = free_port()
    # Logs go to a file, not a pipe: an unread pipe fills up and blocks the workers' logging.
    log = tempfile.NamedTemporaryFile(prefix="scrm-serve-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [SCRM, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, timeout_s=60)
        wait_workers_started(Path(log.name), workers)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        os.unlink(log.name)


def worker_pids(supervisor: subprocess.Popen[bytes]) -> list[int]:
    """The worker processes uvicorn's supervisor runs (its children)."""
    children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children").read_text().split()
    # multiprocessing may also run a resource tracker beside the workers.
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def connections_held(pid: int, port: int) -> int:
    """How many established TCP connections to `port` the process holds (accepted, being served)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while we looked
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], fields[9]
        held += local_port == port and state == "01" and inode in inodes
    return held


@dataclass
class Proxied:
    base: str  # the proxy's address: what clients use
    log: Path  # HAProxy's request log: one line per request, naming the process that served it

    def served_by(self) -> set[str]:
        return set(re.findall(r" machines/(m\d+) ", self.log.read_text(errors="replace")))


@contextmanager
def behind_proxy(env: dict[str, str], machines: int = 2) -> Iterator[Proxied]:
    """`machines` separate `scrm serve` processes, each on its own port as if on its own machine
    (nothing shared but PostgreSQL and Redis), behind one HAProxy address balancing each request
    round robin. Skips where HAProxy is missing (.ci/run installs it)."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.skip("HAProxy is needed (.ci/run installs Debian's haproxy)")
    with ExitStack() as stack:
        bases = [stack.enter_context(serving(env))[0] for _ in range(machines)]
        port = free_port()
        servers = "\n".join(f"  server m{n} {base.removeprefix('http://')}" for n, base in enumerate(bases))
        folder = Path(tempfile.mkdtemp(prefix="scrm-proxy-"))
        stack.callback(shutil.rmtree, folder, True)
        config = folder / "haproxy.cfg"
        config.write_text(
            "global\n  log stdout format raw local0\n  maxconn 2000\n"
            "defaults\n  mode http\n  log global\n  option httplog\n  option forwardfor\n"
            "  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"
            f"frontend front\n  bind 127.0.0.1:{port}\n  default_backend machines\n"
            f"backend machines\n  balance roundrobin\n{servers}\n"
        )
        log = folder / "requests.log"
        with log.open("wb") as out:
            proxy = subprocess.Popen([haproxy, "-f", str(config), "-db"], stdout=out, stderr=subprocess.STDOUT)
        stack.callback(proxy.wait, 20)
        stack.callback(proxy.terminate)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        yield Proxied(base=base, log=log)
