"""A segment's conditions as JSON (how a saved segment keeps them): {"kind": <condition>, ...fields}."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any, get_type_hints

from reach import conditions as c
from reach.errors import ReachError, ReachErrorCode as Code

_KINDS: dict[str, type] = {
    cls.__name__: cls for cls in vars(c).values() if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}


def dump(x: c.Condition) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": type(x).__name__}
    for f in dataclasses.fields(x):
        value = getattr(x, f.name)
        if isinstance(value, tuple):
            out[f.name] = [dump(part) for part in value]
        elif dataclasses.is_dataclass(value):
            out[f.name] = dump(value)  # type: ignore[arg-type]
        elif isinstance(value, datetime):
            out[f.name] = value.isoformat()
        elif isinstance(value, Enum):
            out[f.name] = value.value
        else:
            out[f.name] = value
    return out


def load(data: Any) -> c.Condition:
    """The conditions a saved segment holds; raises SEGMENT_INVALID for JSON that is not one."""
    try:
        loaded: c.Condition = _load(data)
        return loaded
    except (KeyError, TypeError, ValueError):
        raise ReachError(Code.SEGMENT_INVALID, "Not a segment's conditions.", "definition") from None


def _load(data: Any) -> Any:
    cls = _KINDS[data["kind"]]
    hints = get_type_hints(cls, vars(c))
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data and f.default is dataclasses.MISSING:
            raise KeyError(f.name)
        raw, hint = data.get(f.name, f.default), hints[f.name]
        if f.name == "parts":
            values[f.name] = tuple(_load(part) for part in raw)
        elif f.name == "part":
            values[f.name] = _load(raw)
        elif hint is datetime:
            values[f.name] = datetime.fromisoformat(raw)
        elif isinstance(hint, type) and issubclass(hint, Enum):
            values[f.name] = hint(raw)
        else:
            values[f.name] = raw
    return cls(**values)
