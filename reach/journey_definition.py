"""A journey as data: a trigger and steps, kept as JSON and checked whole before it is saved.

    {"trigger": {"kind": "baby_age_months", "months": 6},
     "steps": [{"kind": "task", "title": "...", "note": "...", "due_days": 3},
               {"kind": "coupon", "template": "Stage 2 trial can"},
               {"kind": "wait", "days": 7},
               {"kind": "if", "condition": <a segment condition, as saved segments keep it>},
               {"kind": "message", "title": "Hi {name}", "body": "..."}]}

Triggers: registered, first_purchase, no_purchase_for_days {days}, baby_age_months {months},
due_in_days {days}, missed_event, points_expiring {days}, coupon_expiring {days}. A coupon step names
its template by name ("template") or id ("template_id"); saving stores the id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from loyalty.models import CouponTemplate
from reach import condition_json, conditions as c, personalise, segments
from reach.errors import ReachError, ReachErrorCode as Code

MAX_STEPS = 20


class TriggerKind(StrEnum):
    REGISTERED = "registered"
    FIRST_PURCHASE = "first_purchase"
    NO_PURCHASE_FOR_DAYS = "no_purchase_for_days"
    BABY_AGE_MONTHS = "baby_age_months"
    DUE_IN_DAYS = "due_in_days"
    MISSED_EVENT = "missed_event"
    POINTS_EXPIRING = "points_expiring"
    COUPON_EXPIRING = "coupon_expiring"


# The number each trigger needs, and its range.
_AMOUNT = {
    TriggerKind.NO_PURCHASE_FOR_DAYS: ("days", 1, 3650),
    TriggerKind.BABY_AGE_MONTHS: ("months", 0, 72),
    TriggerKind.DUE_IN_DAYS: ("days", 0, 280),
    TriggerKind.POINTS_EXPIRING: ("days", 1, 365),
    TriggerKind.COUPON_EXPIRING: ("days", 1, 365),
}


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind
    amount: int = 0  # days or months, as the kind says


@dataclass(frozen=True)
class Wait:
    delay: timedelta


@dataclass(frozen=True)
class Check:
    condition: c.Condition


@dataclass(frozen=True)
class Send:
    title: str
    body: str


@dataclass(frozen=True)
class GiveCoupon:
    template_id: int


@dataclass(frozen=True)
class MakeTask:
    title: str
    note: str | None
    due_days: int | None


Step = Wait | Check | Send | GiveCoupon | MakeTask


@dataclass(frozen=True)
class Definition:
    trigger: Trigger
    steps: tuple[Step, ...]


def _refuse(message: str) -> ReachError:
    return ReachError(Code.JOURNEY_INVALID, message, "definition")


def parse(data: Any) -> Definition:
    """The definition a stored journey holds (template ids resolved); raises JOURNEY_INVALID."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("trigger"), dict)
        or not isinstance(data.get("steps"), list)
    ):
        raise _refuse('A journey is {"trigger": {...}, "steps": [...]}.')
    trigger = _trigger(data["trigger"])
    if not 1 <= len(data["steps"]) <= MAX_STEPS:
        raise _refuse(f"A journey has 1-{MAX_STEPS} steps.")
    return Definition(trigger, tuple(_step(i, s) for i, s in enumerate(data["steps"], start=1)))


def _trigger(data: dict[str, Any]) -> Trigger:
    try:
        kind = TriggerKind(str(data.get("kind")))
    except ValueError:
        raise _refuse(f"Unknown trigger; one of {', '.join(k.value for k in TriggerKind)}.") from None
    if kind not in _AMOUNT:
        return Trigger(kind)
    name, least, most = _AMOUNT[kind]
    amount = data.get(name)
    if not isinstance(amount, int) or isinstance(amount, bool) or not least <= amount <= most:
        raise _refuse(f"Trigger {kind.value} needs {name}: {least}-{most}.")
    return Trigger(kind, amount)


def _text(data: dict[str, Any], key: str, most: int, where: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= most or not value.replace("\n", " ").isprintable():
        raise _refuse(f"{where}: {key} is 1-{most} characters.")
    return value.strip()


def _step(i: int, data: Any) -> Step:  # noqa: C901 - one branch per kind of step
    where = f"Step {i}"
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "wait":
        days, hours = data.get("days", 0), data.get("hours", 0)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (days, hours)):
            raise _refuse(f"{where}: a wait is whole days and hours.")
        delay = timedelta(days=days, hours=hours)
        if not timedelta(hours=1) <= delay <= timedelta(days=365):
            raise _refuse(f"{where}: a wait is 1 hour to 365 days.")
        return Wait(delay)
    if kind == "if":
        try:
            condition = condition_json.load(data.get("condition"))
            segments.check(condition)
        except ReachError as refused:
            raise _refuse(f"{where}: {refused.message}") from None
        return Check(condition)
    if kind == "message":
        title, body = _text(data, "title", 40, where), _text(data, "body", 500, where)
        for text, field in ((title, "title"), (body, "body")):
            try:
                personalise.check(text or "", field=field, with_coupon=False)
            except ReachError as refused:
                raise _refuse(f"{where}: {refused.message}") from None
        return Send(title or "", body or "")
    if kind == "coupon":
        template_id = data.get("template_id")
        if not isinstance(template_id, int) or isinstance(template_id, bool) or template_id < 1:
            raise _refuse(f"{where}: a coupon step names its template.")
        return GiveCoupon(template_id)
    if kind == "task":
        due = data.get("due_days")
        if due is not None and (not isinstance(due, int) or isinstance(due, bool) or not 0 <= due <= 365):
            raise _refuse(f"{where}: due_days is 0-365.")
        return MakeTask(_text(data, "title", 80, where) or "", _text(data, "note", 500, where, required=False), due)
    raise _refuse(f"{where}: a step is one of wait, if, message, coupon, task.")


async def resolve(brand_id: int, data: Any) -> dict[str, Any]:
    """The definition with each coupon step's template named by id (a name is looked up in the brand),
    checked whole; raises JOURNEY_INVALID naming the step."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        parse(data)  # raises with the message for the shape
    steps = []
    for i, step in enumerate(data["steps"], start=1):
        if isinstance(step, dict) and step.get("kind") == "coupon":
            step = dict(step)
            name = step.pop("template", None)
            found = (
                await CouponTemplate.get_or_none(brand_id=brand_id, name=name)
                if isinstance(name, str)
                else await CouponTemplate.get_or_none(brand_id=brand_id, id=step.get("template_id"))
                if isinstance(step.get("template_id"), int)
                else None
            )
            if found is None:
                raise _refuse(
                    f"Step {i}: no coupon template {name!r} in this brand."
                    if name
                    else f"Step {i}: no such coupon template."
                )
            step["template_id"] = found.id
        steps.append(step)
    resolved = {"trigger": data.get("trigger"), "steps": steps}
    parse(resolved)
    return resolved
