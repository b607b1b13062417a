"""Error codes that carry their meaning: each code is written once, with the sentence clients read in the schema."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Code(StrEnum):
    """A stable refusal code and what it means; members are written `NAME = "NAME", "What it means."`."""

    _value_: str
    description: str

    def __new__(cls, value: str, description: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member
