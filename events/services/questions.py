"""Sign-up questions an event asks (the baby's age, a T-shirt size): defined per event, answers checked."""

from __future__ import annotations

import re
from typing import Any

from events.errors import EventError, EventErrorCode as Code
from foundation.verbatim import Verbatim

KINDS = ("int", "text", "choice")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_QUESTIONS = 10


def clean_questions(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate question definitions; raises EVENT_INVALID naming `questions`."""
    if len(raw) > MAX_QUESTIONS:
        raise EventError(Code.EVENT_INVALID, f"At most {MAX_QUESTIONS} questions.", "questions")
    cleaned: list[dict[str, Any]] = []
    keys: set[object] = set()
    for q in raw:
        key, kind, label = q.get("key"), q.get("kind"), str(q.get("label") or "").strip()
        choices = [str(c).strip() for c in q.get("choices") or []]
        ok = (
            isinstance(key, str)
            and _KEY.fullmatch(key)
            and key not in keys
            and kind in KINDS
            and 1 <= len(label) <= 80
            and (kind != "choice" or 2 <= len(choices) <= 20 and all(1 <= len(c) <= 40 for c in choices))
            and all(isinstance(q.get(b), int | None) for b in ("min", "max"))
        )
        if not ok:
            raise EventError(Code.EVENT_INVALID, f"Question {len(cleaned) + 1} is not well formed.", "questions")
        keys.add(key)
        cleaned.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "required": bool(q.get("required")),
                "choices": choices,
                "min": q.get("min"),
                "max": q.get("max"),
            }
        )
    return cleaned


def check_answers(questions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to keep; raises ANSWER_INVALID naming the question's key."""
    known = {q["key"] for q in questions}
    for key in answers:
        if key not in known:
            raise EventError(Code.ANSWER_INVALID, "This event does not ask that.", Verbatim(key))
    kept: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q["key"])
        if value is None or value == "":
            if q["required"]:
                raise EventError(Code.ANSWER_INVALID, f"Please answer: {q['label']}", Verbatim(q["key"]))
            continue
        if q["kind"] == "int":
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or (q["min"] is not None and value < q["min"])
                or (q["max"] is not None and value > q["max"])
            ):
                raise EventError(Code.ANSWER_INVALID, f"Please give a number for: {q['label']}", Verbatim(q["key"]))
        elif q["kind"] == "choice":
            if value not in q["choices"]:
                raise EventError(
                    Code.ANSWER_INVALID, f"Please pick one of the choices for: {q['label']}", Verbatim(q["key"])
                )
        elif not isinstance(value, str) or len(value.strip()) > 200:
            raise EventError(Code.ANSWER_INVALID, f"Up to 200 characters for: {q['label']}", Verbatim(q["key"]))
        kept[q["key"]] = value.strip() if isinstance(value, str) else value
    return kept
