"""HQ's attribution report as a CSV file: the same figures as the report, names beside ids, UTF-8
with a byte-order mark, formula-like names defused, a store manager's file limited to their store,
bad requests answered with a code and no file."""

from __future__ import annotations

import csv
import io

import pytest

from access.models import StaffRole
from foundation import global_ids
from referral.models import Member, Store
from referral.services import reports
from referral.services.reports import Dimension
from tests import factories
from tests.referral.test_reports import JUNE, book  # noqa: F401 - the fixture, shared

PATH = "/exports/reports/attribution.csv"
PERIOD = {"from": JUNE[0].isoformat(), "to": JUNE[1].isoformat()}


async def _get(client, token: str | None, **params: str):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client.http.get(PATH, params=params, headers=headers)


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # spreadsheet programs read it as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_the_file_holds_the_reports_figures_with_names(client, settings, book) -> None:  # noqa: F811
    brand, (s1, s2), (g1, g2, g3), _ = book
    await Store.filter(id=s1.id).update(name="上海 静安店")
    await Member.filter(id=g2.member_id).update(display_name='=HYPERLINK("http://evil","x")')
    hq = factories.staff_token(settings, await factories.staff(brand))

    by_guide = _rows(await _get(client, hq, **PERIOD, by="GUIDE"))
    expected = await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE)
    header, body = by_guide[0], by_guide[1:]
    assert header[:3] == ["key", "name", "newMembers"] and header[-1] == "tasksFollowedByPurchase"
    assert len(body) == len(expected)
    for row, figures in zip(body, expected, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert int(cells["newMembers"]) == figures.new_members
        assert int(cells["purchases"]) == figures.purchases
        assert cells["revenue"] == f"{figures.revenue_cents / 100:.2f}" and cells["currency"] == "CNY"
        assert int(cells["couponsWrittenOff"]) == figures.coupons_written_off
    names = {row[1] for row in body}
    assert '\'=HYPERLINK("http://evil","x")' in names  # text, not a formula

    by_store = _rows(await _get(client, hq, **PERIOD, by="STORE"))
    assert ["上海 静安店"] == [row[1] for row in by_store[1:] if row[1].startswith("上海")]


async def test_a_store_manager_gets_their_store_only(client, settings, book) -> None:  # noqa: F811
    brand, (s1, s2), _, _ = book
    manager = factories.staff_token(settings, await factories.staff(brand, "mgr", StaffRole.STORE_MANAGER, s2))
    rows = _rows(await _get(client, manager, **PERIOD, by="STORE"))
    stores = {row[0] for row in rows[1:]}
    assert stores == {store_gid(s2)}
    other = await _get(client, manager, **PERIOD, by="STORE", storeId=store_gid(s1))
    assert other.status_code == 404 and other.json()["errors"][0]["code"] == "STORE_NOT_FOUND"


def store_gid(store: Store) -> str:
    return global_ids.encode("Store", store.id)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"to": PERIOD["to"]}, 400, "PERIOD_INVALID"),
        ({"from": "2026-06-01T00:00:00", "to": PERIOD["to"]}, 400, "PERIOD_INVALID"),
        ({"from": PERIOD["to"], "to": PERIOD["from"]}, 400, "PERIOD_INVALID"),
        ({**PERIOD, "by": "NOPE"}, 400, "INVALID_ARGUMENT"),
        ({**PERIOD, "guideId": "not-an-id"}, 400, "INVALID_ID"),
        ({**PERIOD, "guideId": "R3VpZGU6OTk5OTk5"}, 404, "GUIDE_NOT_FOUND"),
        ({**PERIOD, "registrationTag": "spr\x00ing"}, 400, "INVALID_ARGUMENT"),
        ({**PERIOD, "registrationTag": "x" * 5_000}, 400, "INVALID_ARGUMENT"),
        ({"from": "\x00" * 10, "to": PERIOD["to"]}, 400, "PERIOD_INVALID"),
        ({**PERIOD, "guideId": "R3VpZGU6OTIyMzM3MjAzNjg1NDc3NTgwOA=="}, 400, "INVALID_ID"),
    ],
)
async def test_bad_requests_get_a_code_and_no_file(client, settings, book, params, status, code) -> None:  # noqa: F811
    brand = book[0]
    hq = factories.staff_token(settings, await factories.staff(brand))
    response = await _get(client, hq, **params)
    assert response.status_code == status and response.json()["errors"][0]["code"] == code, response.text


async def test_only_staff_may_download(client, settings, book) -> None:  # noqa: F811
    brand, _, _, people = book
    assert (await _get(client, None, **PERIOD)).status_code == 401
    member = factories.member_token(settings, people["a1"])
    refused = await _get(client, member, **PERIOD)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "FORBIDDEN"


async def test_pages_add_up_to_the_whole_report(book) -> None:  # noqa: F811
    brand = book[0]
    whole = await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE)
    paged = [
        row
        async for page in reports.attribution_pages(
            page=1, brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE
        )
        for row in page
    ]
    assert paged == whole and len(whole) > 2
