"""Prometheus metrics: HTTP requests and GraphQL operation outcomes (claims, write-offs, sign-ups,
and every refusal by its code). With several workers, set PROMETHEUS_MULTIPROC_DIR (`scrm serve
--workers N` does) so that a scrape of any worker reports them all."""

from __future__ import annotations

import functools
import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_REQUESTS = Counter("scrm_http_requests", "HTTP requests answered", ["route", "status"])
HTTP_SECONDS = Histogram(
    "scrm_http_request_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OPERATIONS = Counter(
    "scrm_operations", "Mutations by outcome: 'ok' or the refusal's error code", ["operation", "outcome"]
)


# Label sets are few (routes x statuses, operations x codes); looking a child up by its labels takes
# a lock and validation on every call, so each child is looked up once.
@functools.lru_cache(maxsize=4096)
def _operation(operation: str, outcome: str) -> Any:
    return OPERATIONS.labels(operation, outcome)


@functools.lru_cache(maxsize=4096)
def _request(route: str, status: int) -> tuple[Any, Any]:
    return HTTP_REQUESTS.labels(route, str(status)), HTTP_SECONDS.labels(route)


def count_outcome(operation: str, outcome: str) -> None:
    _operation(operation, outcome).inc()


def observe_request(route: str, status: int, seconds: float) -> None:
    requests, latency = _request(route, status)
    requests.inc()
    latency.observe(seconds)


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
