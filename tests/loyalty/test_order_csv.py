"""Order files as tills export them: lines grouped into orders by number, prices in the currency's
major unit, and every row that cannot be read refused by its line number with the reason (and the
rest of its order with it), the other orders kept."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from loyalty.errors import LoyaltyError
from loyalty.order_csv import parse
from loyalty.services.order_imports import OrderLine

HEADER = "Order Number,ordered_at,SKU,quantity,price,store_code,member_code,phone\n"


def _parse(body: str, digits: int = 2, zone: ZoneInfo | None = None):  # type: ignore[no-untyped-def]
    return parse((HEADER + body).splitlines(keepends=True), currency_digits=digits, local_zone=zone)


def test_lines_of_an_order_are_grouped_wherever_they_stand() -> None:
    parsed = _parse(
        "A-1,2026-05-01T10:00:00+08:00,MILK,2,299.00,S1,M123,\n"
        "B-1,2026-05-01T11:00:00Z,GOLD,1,399,,,+8613800001111\n"
        "A-1,2026-05-01T10:00:00+08:00,GOLD,1,399.5,S1,M123,\n"
    )
    assert parsed.rejected == []
    a, b = parsed.orders
    assert (a.ref, a.order_number, a.store_code, a.member_code, a.phone) == (2, "A-1", "S1", "M123", None)
    assert a.lines == [OrderLine("MILK", 2, 29_900), OrderLine("GOLD", 1, 39_950)]
    assert a.ordered_at == datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    assert (b.ref, b.phone, b.lines) == (3, "+8613800001111", [OrderLine("GOLD", 1, 39_900)])


def test_bad_rows_are_refused_by_line_with_their_order_and_the_rest_kept() -> None:
    parsed = _parse(
        "OK-1,2026-05-01T10:00:00Z,MILK,1,10,,,\n"  # line 2
        "X-1,2026-05-01T10:00:00Z,MILK,1,10,,,\n"  # line 3: refused with line 4 (same order)
        "X-1,2026-05-01T10:00:00Z,MILK,0,10,,,\n"  # line 4: quantity 0
        "X-2,2026-05-01T10:00:00Z,MILK,1,9.999,,,\n"  # 5: three decimals
        "X-3,2026-05-01T10:00:00Z,MILK,1,¥10,,,\n"  # 6: a currency sign
        "X-4,2026-05-01 10:00:00,MILK,1,10,,,\n"  # 7: no UTC offset
        "X-5,yesterday,MILK,1,10,,,\n"  # 8
        "X-6,2026-05-01T10:00:00Z,MILK,1\n"  # 9: too few fields
        "X-7,2026-05-01T10:00:00Z,MILK,1,10,S1,,\n"  # 10: disagrees with line 11 on store
        "X-7,2026-05-01T10:00:00Z,MILK,1,10,S2,,\n"  # 11
        "\n"  # blank lines are skipped
        f"X-8,2026-05-01T10:00:00Z,{'S' * 300},1,10,,,\n"  # 13: a field too long
        ",2026-05-01T10:00:00Z,MILK,1,10,,,\n"  # 14: no order number
        "X-9,2026-05-01T10:00:00Z,MILK,1,-1,,,\n"  # 15: negative
        "X-10,2026-05-01T10:00:00Z,MILK,1,NaN,,,\n"  # 16
        "OK-2,2026-05-01T10:00:00Z,MILK,3,0.10,,,\n"  # 17
        "X-11,2026-05-01T10:00:00Z,MILK,x,10,,,\n"  # 18: refused first...
        "X-11,2026-05-01T10:00:00Z,MILK,1,10,,,\n"  # 19: ...so this line of its order goes too
    )
    assert [(o.order_number, o.ref) for o in parsed.orders] == [("OK-1", 2), ("OK-2", 17)]
    assert [r.ref for r in parsed.rejected] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 18, 19]
    reasons = {r.ref: r.message for r in parsed.rejected}
    assert "Another line of this order" in reasons[3]
    assert "quantity" in reasons[4] and "2 decimal places" in reasons[5] and "UTC offset" in reasons[7]
    assert "4 fields where the header has 8" in reasons[9] and "line 10" in reasons[11]
    assert "S" * 300 not in reasons[13]  # input is never echoed
    assert {r.code.value for r in parsed.rejected} == {"ORDER_INVALID"}


def test_times_without_offset_are_read_in_the_brands_zone_when_asked_and_yen_have_no_decimals() -> None:
    parsed = _parse("J-1,2026-05-01 10:00:00,MILK,1,1200,,,\n", digits=0, zone=ZoneInfo("Asia/Tokyo"))
    (order,) = parsed.orders
    assert order.ordered_at == datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    assert order.lines == [OrderLine("MILK", 1, 1200)]
    assert _parse("J-1,2026-05-01T10:00:00Z,MILK,1,12.5,,,\n", digits=0).orders == []


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "empty"),
        ("order_number,sku,quantity,price\n", "lacks: ordered_at"),
        ("order_number,ordered_at,sku,quantity,price,phone_number\n", "(phone_number)"),
        ("order_number,ordered_at,sku,quantity,price,sku\n", "repeated"),
    ],
)
def test_a_wrong_header_refuses_the_file(header: str, reason: str) -> None:
    with pytest.raises(LoyaltyError) as refused:
        parse(header.splitlines(keepends=True), currency_digits=2)
    assert refused.value.code.value == "ORDER_FILE_INVALID" and reason in refused.value.message


def test_a_byte_order_mark_and_quoted_fields_are_read() -> None:
    body = '\ufefforder_number,ordered_at,sku,quantity,price\n"Q,1",2026-05-01T10:00:00Z,"MILK ""XL""",1,10\n'
    (order,) = parse(body.splitlines(keepends=True), currency_digits=2).orders
    assert (order.order_number, order.lines[0].sku) == ("Q,1", 'MILK "XL"')
