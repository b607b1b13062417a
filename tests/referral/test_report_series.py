"""Attribution as a time series: buckets at the brand's local midnights (across a DST change), each
point's figures equal to the attribution report over the same bucket, figure by figure, on both
engines; a touch just before or after local midnight lands on its local day."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from referral.models import TouchKind
from referral.services import reports, touches
from referral.services.report_series import Grain, buckets, series
from referral.services.reports import Dimension, Filters
from tests import factories
from tests.referral.test_reports import JUNE, book  # noqa: F401 - the fixture, shared

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def test_days_weeks_and_months_start_at_local_midnight_across_a_dst_change() -> None:
    start, end = datetime(2026, 3, 27, 23, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    days = buckets(start, end, Grain.DAY, BERLIN)
    assert [b.astimezone(BERLIN).strftime("%m-%d %H:%M") for b, _ in days] == [
        "03-28 00:00",
        "03-29 00:00",
        "03-30 00:00",
        "03-31 00:00",
    ]
    # 29 March 2026 has 23 hours in Berlin (clocks go forward); the last bucket is clipped.
    assert [e - b for b, e in days][1] == timedelta(hours=23)
    assert days[-1] == (datetime(2026, 3, 30, 22, tzinfo=UTC), end)
    weeks = buckets(datetime(2026, 6, 3, tzinfo=UTC), datetime(2026, 6, 20, tzinfo=UTC), Grain.WEEK, SHANGHAI)
    assert [b.astimezone(SHANGHAI).strftime("%a %m-%d") for b, _ in weeks][1:] == ["Mon 06-08", "Mon 06-15"]
    assert weeks[0][0] == datetime(2026, 6, 3, tzinfo=UTC)  # clipped to the period
    months = buckets(JUNE[0], datetime(2026, 9, 1, tzinfo=UTC), Grain.MONTH, SHANGHAI)
    assert [b.astimezone(SHANGHAI).strftime("%m-%d %H") for b, _ in months][1:] == ["07-01 00", "08-01 00", "09-01 00"]


async def _report_total(brand_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """The attribution report over one bucket, summed over its rows (every touch is in one row)."""
    total: dict[str, int] = dict.fromkeys(reports.FIGURE_NAMES, 0)
    for row in await reports.attribution(brand_id=brand_id, start=start, end=end, by=Dimension.STORE):
        for name in reports.FIGURE_NAMES:
            total[name] += getattr(row, name)
    return total


async def test_each_point_equals_the_report_over_its_bucket(book) -> None:  # noqa: F811
    brand, (s1, _), _, people = book
    # Local midnight in Shanghai is 16:00 UTC: 23:30 local on 5 June, then 00:30 local on 6 June.
    for at in (datetime(2026, 6, 5, 15, 30, tzinfo=UTC), datetime(2026, 6, 5, 16, 30, tzinfo=UTC)):
        await touches.record(
            brand_id=brand.id, member_id=people["a2"].id, kind=TouchKind.PURCHASE, at=at, amount_cents=1_000
        )
    for grain in Grain:
        points = await series(
            brand_id=brand.id, start=JUNE[0], end=JUNE[1], grain=grain, zone=SHANGHAI, filters=Filters()
        )
        assert points[0].start == JUNE[0] and points[-1].end == JUNE[1]
        for point in points:
            want = await _report_total(brand.id, point.start, point.end)
            assert {n: getattr(point.figures, n) for n in reports.FIGURE_NAMES} == want, (grain, point.start)
    days = await series(
        brand_id=brand.id, start=JUNE[0], end=JUNE[1], grain=Grain.DAY, zone=SHANGHAI, filters=Filters()
    )
    local = {p.start.astimezone(SHANGHAI).day: p.figures.revenue_cents for p in days}
    assert local[5] == 10_000 + 1_000 and local[6] == 1_000 + 5_000  # a1's purchases at 18:00 local on 5 and 6 June
    only_s1 = await series(
        brand_id=brand.id, start=JUNE[0], end=JUNE[1], grain=Grain.MONTH, zone=SHANGHAI, filters=Filters(store_id=s1.id)
    )
    [s1_row] = await reports.attribution(
        brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.STORE, store_id=s1.id
    )
    assert only_s1[0].figures == dataclasses.replace(s1_row, key=None)


SERIES = """query($f: DateTime!, $t: DateTime!, $s: ID) { attributionSeries(from: $f, to: $t, grain: WEEK, storeId: $s) {
  start end figures { key purchases newMembers revenue { amount } } } }"""


async def test_over_graphql_a_store_manager_sees_their_store(client, settings, book) -> None:  # noqa: F811
    from access.models import StaffRole
    from foundation import global_ids

    brand, (s1, s2), _, _ = book
    hq = factories.staff_token(settings, await factories.staff(brand))
    manager = factories.staff_token(settings, await factories.staff(brand, "mgr", StaffRole.STORE_MANAGER, s2))
    period = {"f": JUNE[0].isoformat(), "t": JUNE[1].isoformat()}
    whole = (await client.ok(SERIES, period, token=hq))["attributionSeries"]
    mine = (await client.ok(SERIES, period, token=manager))["attributionSeries"]
    assert len(whole) == len(mine) == 5  # 1 June is a Monday: weeks of the 1st, 8th, 15th, 22nd, 29th
    assert sum(p["figures"]["newMembers"] for p in whole) == 6
    assert all(p["figures"]["key"] is None for p in whole)
    assert sum(p["figures"]["newMembers"] for p in mine) == 1  # a4, by g3 of S2
    refused = await client.post(SERIES, {**period, "s": global_ids.encode("Store", s1.id)}, token=manager)
    assert refused.body["errors"][0]["extensions"]["code"] == "STORE_NOT_FOUND"


async def test_as_a_csv_file(client, settings, book) -> None:  # noqa: F811
    from tests.insight.csv_file import csv_rows

    brand = book[0]
    hq = factories.staff_token(settings, await factories.staff(brand))
    params = {"from": JUNE[0].isoformat(), "to": JUNE[1].isoformat(), "grain": "WEEK"}
    rows = await csv_rows(client, "/exports/reports/attribution-series.csv", hq, **params)
    points = await series(
        brand_id=brand.id, start=JUNE[0], end=JUNE[1], grain=Grain.WEEK, zone=SHANGHAI, filters=Filters()
    )
    assert rows[0][:3] == ["start", "end", "newMembers"] and len(rows) == 1 + len(points)
    for row, point in zip(rows[1:], points, strict=True):
        assert datetime.fromisoformat(row[0]) == point.start
        assert (int(row[2]), int(row[4])) == (point.figures.new_members, point.figures.purchases)
