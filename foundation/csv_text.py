"""CSV that spreadsheet programs open safely: UTF-8 with a byte-order mark (Excel reads Chinese text
right only with it), and text cells that would start a formula (=, +, -, @, tab, carriage return)
prefixed with an apostrophe, so a member named "=HYPERLINK(...)" stays text (formula injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """Numbers stay numbers (a negative amount is not a formula); text is defused."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def line(cells: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([cell(value) for value in cells])
    return out.getvalue()
