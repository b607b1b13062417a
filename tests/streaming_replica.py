"""A PostgreSQL primary and its streaming replica of our own, in a temporary folder: initdb, then
pg_basebackup -R (the replica follows the primary over the replication protocol), each on a free
port of 127.0.0.1. The system's cluster is left alone (its pg_hba allows no replication)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip("PostgreSQL's server binaries are needed (/usr/lib/postgresql/*/bin)")
    return str(found[-1])


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _run(*command: str) -> None:
    done = subprocess.run(_as_owner(*command), capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


@dataclass
class Pair:
    primary_url: str
    replica_url: str
    replica_dir: Path

    def stop_replica(self) -> None:
        _run(_bin("pg_ctl"), "-D", str(self.replica_dir), "-m", "fast", "-w", "stop")


@contextmanager
def streaming_pair() -> Iterator[Pair]:
    # Not under pytest's tmp_path: the postgres user cannot enter root's private folders.
    base = Path(tempfile.mkdtemp(prefix="scrm-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    p_port, r_port = _port(), _port()
    common = f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\nfsync = off\n"
    _run(_bin("initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(f"{common}port = {p_port}\nwal_level = replica\nmax_wal_senders = 4\n")
    started = []
    try:
        _run(_bin("pg_ctl"), "-D", str(primary), "-l", str(base / "primary.log"), "-w", "start")
        started.append(primary)
        _run(
            _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        with open(replica / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {r_port}\n")
        _run(_bin("pg_ctl"), "-D", str(replica), "-l", str(base / "replica.log"), "-w", "start")
        started.append(replica)
        yield Pair(
            primary_url=f"postgres://postgres@127.0.0.1:{p_port}/scrm",
            replica_url=f"postgres://postgres@127.0.0.1:{r_port}/scrm",
            replica_dir=replica,
        )
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_owner(_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)
