"""Orders from a CSV file, as tills and web shops export them: one row per order line, the lines of
an order sharing its number (anywhere in the file). A row that cannot be read is refused with its
line number and the reason, and so is the rest of its order; the other orders go on.

Columns (header row, any order, case and spaces ignored): order_number, ordered_at, sku, quantity,
price (in the currency's major unit: 129.00), and optionally store_code, channel, member_code,
phone, unionid."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.services.order_imports import OrderIn, OrderLine, Rejection

REQUIRED = ("order_number", "ordered_at", "sku", "quantity", "price")
OPTIONAL = ("store_code", "channel", "member_code", "phone", "unionid")
# Per order: these must agree on every line of it.
_ORDER_FIELDS = ("ordered_at", *OPTIONAL)
LONGEST_FIELD = 256


@dataclass
class _Order:
    number: str
    first_line: int
    fields: tuple[str, ...]  # _ORDER_FIELDS, in order
    lines: list[OrderLine] = field(default_factory=list)


@dataclass
class Parsed:
    orders: list[OrderIn]
    rejected: list[Rejection]


def parse(rows: Iterable[str], *, currency_digits: int, local_zone: ZoneInfo | None = None) -> Parsed:
    """Read the file's text lines. `local_zone`: the zone of times written without a UTC offset
    (else such a time is refused). Raises ORDER_FILE_INVALID when the header is wrong."""
    reader = csv.reader(rows)
    columns = _header(reader)
    at = {name: n for n, name in enumerate(columns)}
    number_at, per_order = at["order_number"], [at.get(name) for name in _ORDER_FIELDS]
    orders: dict[str, _Order] = {}
    refused: set[str] = set()  # orders with a refused line, wherever their other lines stand
    rejected: list[Rejection] = []
    for line_no, raw in _rows(reader, rejected):
        if not any(raw):
            continue  # a blank line
        if len(raw) != len(columns):
            rejected.append(_refusal(line_no, f"{len(raw)} fields where the header has {len(columns)}."))
            continue
        values = [v.strip() for v in raw]
        number = values[number_at]
        try:
            if not number or len(number) > 64 or not number.isprintable():
                raise _invalid("An order number of 1-64 printable characters.")
            line = _line(values[at["sku"]], values[at["quantity"]], values[at["price"]], currency_digits)
        except LoyaltyError as exc:
            rejected.append(Rejection(line_no, exc.code, exc.message))
            refused.add(number)
            continue
        fields = tuple(values[n] if n is not None else "" for n in per_order)
        order = orders.get(number)
        if order is None:
            order = orders[number] = _Order(number, line_no, fields)
        elif fields != order.fields:
            differs = next(name for name, a, b in zip(_ORDER_FIELDS, fields, order.fields, strict=True) if a != b)
            rejected.append(_refusal(line_no, f"Its {differs} differs from line {order.first_line} of the same order."))
            refused.add(number)
            continue
        order.lines.append(line)
    parsed = Parsed([], rejected)
    for order in orders.values():
        if order.number in refused:
            rejected.append(_refusal(order.first_line, "Another line of this order was refused: none of it imported."))
            continue
        try:
            ordered_at = _instant(order.fields[0], local_zone)
        except LoyaltyError as exc:
            rejected.append(Rejection(order.first_line, exc.code, exc.message))
            continue
        store_code, channel, member_code, phone, unionid = (v or None for v in order.fields[1:])
        parsed.orders.append(
            OrderIn(
                ref=order.first_line,
                order_number=order.number,
                ordered_at=ordered_at,
                lines=order.lines,
                store_code=store_code,
                channel=channel,
                member_code=member_code,
                phone=phone,
                unionid=unionid,
            )
        )
    rejected.sort(key=lambda r: r.ref)
    return parsed


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise LoyaltyError(Code.ORDER_FILE_INVALID, "The file is empty: a header row is needed.") from None
    except csv.Error:
        raise LoyaltyError(Code.ORDER_FILE_INVALID, "The header row cannot be read as CSV.") from None
    columns = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    if columns and columns[0].startswith("\ufeff"):
        columns[0] = columns[0][1:]
    if missing := [c for c in REQUIRED if c not in columns]:
        raise LoyaltyError(Code.ORDER_FILE_INVALID, f"The header lacks: {', '.join(missing)}.")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown or len(set(columns)) != len(columns):
        # Named only when they are short, printable words: a header is input too.
        shown = ", ".join(c for c in unknown if c.isidentifier() and len(c) <= 32) or "some"
        raise LoyaltyError(
            Code.ORDER_FILE_INVALID,
            f"Unknown or repeated columns ({shown}); known: {', '.join(REQUIRED + OPTIONAL)}.",
        )
    return columns


def _rows(reader: Iterator[list[str]], rejected: list[Rejection]) -> Iterator[tuple[int, list[str]]]:
    # csv.reader's line_num counts physical lines, quoted newlines included.
    while True:
        before = _line_num(reader)
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            rejected.append(_refusal(_line_num(reader), "This row is not valid CSV."))
            if _line_num(reader) == before:
                return  # the reader cannot get past it
            continue
        if values and max(map(len, values)) > LONGEST_FIELD:
            rejected.append(_refusal(_line_num(reader), f"A field is longer than {LONGEST_FIELD} characters."))
            continue
        yield _line_num(reader), values


def _line_num(reader: Iterator[list[str]]) -> int:
    return int(getattr(reader, "line_num", 0))


def _line(sku: str, quantity: str, price: str, digits: int) -> OrderLine:
    if not sku or len(sku) > 64 or not sku.isprintable():
        raise _invalid("A SKU of 1-64 printable characters.")
    if not (quantity.isascii() and quantity.isdigit() and 1 <= int(quantity) <= 999):
        raise _invalid("The quantity is a whole number, 1-999.")
    return OrderLine(sku=sku, quantity=int(quantity), price_cents=_minor_units(price, digits))


def _minor_units(text: str, digits: int) -> int:
    try:
        amount = Decimal(text) if text.isascii() and len(text) <= 20 else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise _invalid("The price is a number such as 129.00, without currency signs or separators.")
    cents = amount.scaleb(digits)
    if cents != cents.to_integral_value():
        raise _invalid(f"The price has more than {digits} decimal places.")
    return int(cents)


def _instant(text: str, zone: ZoneInfo | None) -> datetime:
    try:
        at = datetime.fromisoformat(text) if text.isascii() and len(text) <= 40 else None
    except ValueError:
        at = None
    if at is None:
        raise _invalid("The order time is not an ISO 8601 time (2026-03-01T14:30:00+08:00).")
    if at.tzinfo is None:
        if zone is None:
            raise _invalid("The order time lacks its UTC offset (+08:00); or import with local times.")
        at = at.replace(tzinfo=zone)
    return at


def _invalid(message: str) -> LoyaltyError:
    return LoyaltyError(Code.ORDER_INVALID, message)


def _refusal(line: int, message: str) -> Rejection:
    return Rejection(line, Code.ORDER_INVALID, message)
