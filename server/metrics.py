"""Prometheus metrics: HTTP requests and GraphQL operation outcomes (claims, write-offs, sign-ups,
and every refusal by its code). With several workers, set PROMETHEUS_MULTIPROC_DIR (`scrm serve
--workers N` does) so that a scrape of any worker reports them all."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_REQUESTS = Counter("scrm_http_requests", "HTTP requests answered", ["route", "status"])
HTTP_SECONDS = Histogram(
    "scrm_http_request_seconds", "Time to answer an HTTP request", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OPERATIONS = Counter(
    "scrm_operations", "Mutations by outcome: 'ok' or the refusal's error code", ["operation", "outcome"]
)


def count_outcome(operation: str, outcome: str) -> None:
    OPERATIONS.labels(operation, outcome).inc()


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
