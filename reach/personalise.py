"""A broadcast's words with the member's own in them: {name}, {guide}, {points}, {coupon}. Only those
placeholders exist (no attribute access, no format specs), so HQ's text cannot reach anything else."""

from __future__ import annotations

import re
from collections.abc import Callable

from reach.errors import ReachError, ReachErrorCode as Code

FIELDS = ("name", "guide", "points", "coupon")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check(text: str, *, field: str, with_coupon: bool) -> None:
    """Refuse (BROADCAST_INVALID) an unknown placeholder, a stray brace, or {coupon} without a coupon."""
    for name in _PLACEHOLDER.findall(text):
        if name not in FIELDS:
            raise ReachError(Code.BROADCAST_INVALID, f"Unknown placeholder {{{name[:20]}}}; use {_known()}.", field)
        if name == "coupon" and not with_coupon:
            raise ReachError(Code.BROADCAST_INVALID, "{coupon} needs a coupon to go with the broadcast.", field)
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise ReachError(Code.BROADCAST_INVALID, f"Braces are only for placeholders: {_known()}.", field)


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def fill_sql(text: str, columns: dict[str, str], values: dict[str, str], literal: Callable[[str], str]) -> str:
    """`fill` as SQL text: a placeholder becomes its SQL expression in `columns`, else its value in
    `values`; words and values go through `literal` (parameters, taken in text order). One pass, as
    fill: a name holding "{points}" stays as written."""
    parts: list[str] = []
    at = 0
    for found in _PLACEHOLDER.finditer(text):
        if found.start() > at:
            parts.append(literal(text[at : found.start()]))
        name = found.group(1)
        parts.append(columns[name] if name in columns else literal(values.get(name, "")))
        at = found.end()
    if at < len(text) or not parts:
        parts.append(literal(text[at:]))
    return "(" + " || ".join(parts) + ")"


def _known() -> str:
    return ", ".join(f"{{{name}}}" for name in FIELDS)
