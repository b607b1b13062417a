"""Where the machine's CPU went during the measured window: the server's workers, PostgreSQL, and
this process (load generator and fake upstream), read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds used) of a process, or None if it is gone. PostgreSQL's
    include its reaped children's: a backend or an autovacuum worker that exits mid-window moves its
    CPU into the postmaster's, instead of taking it out of the sum (a write-off once measured -1.15
    ms of PostgreSQL CPU)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    if name == "postgres":
        ticks += int(fields[13]) + int(fields[14])
    return name, int(fields[1]), ticks / _TICKS


def snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far by group. Workers are the server's descendants; PostgreSQL is every
    process named postgres (its backends come and go with the pools)."""
    stats = {pid: s for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()) if (s := _stat(pid)) is not None}
    used = {"server workers": 0.0, "PostgreSQL": 0.0, "load generator + fake upstream": 0.0}
    for pid, (name, _, seconds) in stats.items():
        if name == "postgres":
            used["PostgreSQL"] += seconds
        elif pid == os.getpid():
            used["load generator + fake upstream"] += seconds
        elif _descends(pid, server_pid, stats):
            used["server workers"] += seconds
    return used


def _descends(pid: int, ancestor: int, stats: dict[int, tuple[str, int, float]]) -> bool:
    while pid in stats and pid > 1:
        if pid == ancestor:
            return True
        pid = stats[pid][1]
    return False


def lines(before: dict[str, float], after: dict[str, float], seconds: float, requests: int) -> list[str]:
    out = []
    for group, start in before.items():
        used = after[group] - start
        out.append(
            f"  {group:<32} {used / seconds:5.2f} cores  {1000 * used / max(requests, 1):5.2f} ms CPU per request"
        )
    return out
