"""The load test's table and its latency plot."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    op: str
    at_s: float
    ms: float
    outcome: str


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p))]


def table(samples: list[Sample], seconds: float) -> str:
    by_op: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_op[s.op].append(s)
    lines = [
        f"{'operation':<18} {'requests':>8} {'per s':>7} {'ok/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'refused':>8} {'errors':>6}"
    ]
    for op in sorted(by_op, key=lambda o: -len(by_op[o])):
        rows = by_op[op]
        lines.append(_row(op, rows, seconds))
    lines.append(_row("all", samples, seconds))
    refusals = Counter(s.outcome.removeprefix("refused:") for s in samples if s.outcome.startswith("refused:"))
    lines.append("refusals by code: " + (", ".join(f"{code} {n}" for code, n in refusals.most_common()) or "none"))
    return "\n".join(lines)


def _row(op: str, rows: list[Sample], seconds: float) -> str:
    ms = sorted(s.ms for s in rows)
    ok = sum(s.outcome == "ok" for s in rows)
    refused = sum(s.outcome.startswith("refused") for s in rows)
    errors = sum(s.outcome == "error" for s in rows)
    return (
        f"{op:<18} {len(rows):>8} {len(rows) / seconds:>7.0f} {ok / seconds:>7.0f} {percentile(ms, 0.5):>7.1f} "
        f"{percentile(ms, 0.95):>7.1f} {percentile(ms, 0.99):>7.1f} {refused:>8} {errors:>6}"
    )


def plot(samples: list[Sample], seconds: float, path: Path, title: str) -> None:
    """Per second: requests answered by operation, and p50/p99 latency of claims and of all."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    buckets: dict[int, list[Sample]] = defaultdict(list)
    for s in samples:
        buckets[int(s.at_s)].append(s)
    xs = sorted(buckets)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for op in sorted({s.op for s in samples}):
        top.plot(xs, [sum(s.op == op for s in buckets[x]) for x in xs], label=op, linewidth=1)
    top.set_ylabel("requests / s")
    top.legend(fontsize=7, ncol=4)
    for label, pick in (("claims", lambda s: s.op == "claim"), ("all", lambda s: True)):
        for p, style in ((0.5, "-"), (0.99, "--")):
            ys = [percentile(sorted(s.ms for s in buckets[x] if pick(s)), p) for x in xs]
            bottom.plot(xs, ys, style, label=f"{label} p{int(p * 100)}", linewidth=1)
    bottom.axhline(100, color="grey", linewidth=0.5)
    bottom.set_ylabel("latency ms")
    bottom.set_xlabel("seconds into the run")
    bottom.legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
