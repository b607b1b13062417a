"""Structured logs: one JSON object per line, each with the request id, and no personal data.

Code paths avoid logging personal data in the first place; the formatter is the safety net for
what slips through (an exception message quoting a phone number, a token in a URL)."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# Order matters: tokens first, so their digits are not half-redacted as a phone number.
_PATTERNS = (
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"), "[token]"),
    (re.compile(r"(?i)(bearer\s+)\S+"), r"\1[token]"),
    # Item codes, coupon and ticket codes, secrets: long runs of letters and digits mixed.
    (re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{12,}\b"), "[code]"),
    # Phone numbers: 7 or more digits, with the usual separators.
    (re.compile(r"\+?\d(?:[\d ()-]{5,}\d)"), "[number]"),
)
# Fields we write ourselves and know to be safe (ids we generated, keyed hashes).
_TRUSTED = frozenset({"time", "level", "logger", "request_id", "subject", "rule", "duration_ms", "status"})


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RedactingJsonFormatter(JsonFormatter):
    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {k: redact(v) if isinstance(v, str) and k not in _TRUSTED else v for k, v in log_data.items()}


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for uvicorn's log_config: every worker logs JSON to stderr. uvicorn's own access
    log is off (it prints client addresses and query strings); server.request_log writes ours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {
                "()": RedactingJsonFormatter,
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            # tortoise logs every SQL statement with its parameters at DEBUG: never in production.
            "tortoise": {"level": "WARNING"},
            "db_client": {"level": "WARNING"},
        },
    }
