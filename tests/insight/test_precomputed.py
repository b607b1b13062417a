"""The pre-computed tables (insight.snapshot) as HQ meets them: the reports say how fresh they are,
a purchase shows after the next refresh, what the tables cannot answer is read live, two refreshes
at once both finish, and `scrm refresh-insight` runs from cron on either engine."""

from __future__ import annotations

import asyncio
import random
import re
import subprocess
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from insight import attribution as day_attribution, cohorts, demographics, funnel, rfm, series, snapshot
from insight.members import Members
from insight.repurchase import repurchase
from referral.models import Channel, Member, Touch, TouchKind
from referral.services import members, report_series, reports, touches
from referral.services.report_series import Grain
from referral.services.reports import Dimension, Filters
from tests import factories
from tests.insight.shops import two_shops
from tests.processes import SCRM

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
YEAR = (NOW - timedelta(days=365), NOW)


async def shop_with_a_buyer():
    brand, _, _, ga, _ = await two_shops()
    member = await factories.member(brand, "a")
    await members.register(brand_id=brand.id, member_id=member.id, now=NOW - timedelta(days=90), code=ga.invite_code)

    async def buy(days_ago: int) -> None:
        await touches.record(
            brand_id=brand.id,
            member_id=member.id,
            kind=TouchKind.PURCHASE,
            at=NOW - timedelta(days=days_ago),
            amount_cents=1_000,
        )

    await buy(30)
    return brand, buy


async def refresh(brand, at: datetime = NOW):
    return await snapshot.refresh(brand_id=brand.id, zone=regional.of(brand).zone, now=at, max_since=cohorts.MAX_SINCE)


async def test_a_purchase_shows_after_the_next_refresh_and_the_report_says_when(db) -> None:
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    brand, buy = await shop_with_a_buyer()
    live = await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])
    assert (live.buyers, live.repeat_buyers, live.as_of) == (1, 0, None)  # never refreshed: read live

    first = await refresh(brand, NOW - timedelta(hours=1))
    assert first is not None and first.buyers == 1 and first.took_ms >= 0
    await buy(2)
    stale = await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])
    assert (stale.repeat_buyers, stale.mean_days_between, stale.as_of) == (0, None, NOW - timedelta(hours=1))

    await refresh(brand)
    fresh = await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])
    assert (fresh.repeat_buyers, fresh.mean_days_between, fresh.as_of) == (1, 28.0, NOW)


async def test_what_the_tables_cannot_answer_is_read_live(db) -> None:
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    brand, _ = await shop_with_a_buyer()
    await refresh(brand)
    # One campaign's purchases: the tables hold every purchase, not split by campaign.
    assert await snapshot.current(brand.id, Members(campaign_id=1)) is None
    assert (await snapshot.current(brand.id, Members())) is not None
    # Cohorts cut in another time zone than the refresh's: the months would not be the brand's.
    tokyo = await cohorts.cohorts(
        brand_id=brand.id, first_month=date_of(NOW), months=1, now=NOW, zone=ZoneInfo("Asia/Tokyo")
    )
    shanghai = await cohorts.cohorts(
        brand_id=brand.id, first_month=date_of(NOW), months=1, now=NOW, zone=regional.of(brand).zone
    )
    assert tokyo[0].as_of is None and shanghai[0].as_of == NOW


def date_of(at: datetime):
    return (at - timedelta(days=90)).date()


async def test_on_sqlite_there_is_nothing_to_refresh(db) -> None:
    if db != "sqlite":
        pytest.skip("PostgreSQL has the tables")
    brand, _ = await shop_with_a_buyer()
    assert await refresh(brand) is None
    assert (await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])).as_of is None


async def test_two_refreshes_at_once_both_finish_with_one_set_of_rows(db) -> None:
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    brand, _ = await shop_with_a_buyer()
    made = await asyncio.gather(*(refresh(brand) for _ in range(3)))
    assert [m.buyers for m in made if m] == [1, 1, 1]
    assert (await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])).buyers == 1


REPURCHASE = "query($f: DateTime!, $t: DateTime!) { repurchase(from: $f, to: $t) { buyers asOf } }"
RFM = "query($f: DateTime!, $t: DateTime!) { rfm(from: $f, to: $t) { name members asOf } }"
SERIES = """query($f: DateTime!, $t: DateTime!) { attributionSeries(from: $f, to: $t, grain: MONTH) {
  asOf figures { purchases } } }"""


async def test_over_graphql_as_of_is_the_refresh_or_the_request(client, settings, clock, db) -> None:
    clock.now = NOW
    brand, _ = await shop_with_a_buyer()
    hq = factories.staff_token(settings, await factories.staff(brand))
    period = {"f": YEAR[0].isoformat(), "t": YEAR[1].isoformat()}
    assert (await client.ok(REPURCHASE, period, token=hq))["repurchase"] == {"buyers": 1, "asOf": NOW.isoformat()}
    live = (await client.ok(SERIES, period, token=hq))["attributionSeries"]
    assert {p["asOf"] for p in live} == {NOW.isoformat()}
    refreshed = NOW - timedelta(minutes=15)
    if await refresh(brand, refreshed) is None:
        return  # SQLite: read live, as above
    assert (await client.ok(REPURCHASE, period, token=hq))["repurchase"] == {"buyers": 1, "asOf": refreshed.isoformat()}
    groups = (await client.ok(RFM, period, token=hq))["rfm"]
    assert {g["asOf"] for g in groups} == {refreshed.isoformat()} and sum(g["members"] for g in groups) == 1
    points = (await client.ok(SERIES, period, token=hq))["attributionSeries"]
    assert {p["asOf"] for p in points} == {refreshed.isoformat()}
    steps = (await client.ok("{ funnel { stage members asOf } }", token=hq))["funnel"]
    assert {s["asOf"] for s in steps} == {refreshed.isoformat()} and sum(s["members"] for s in steps) == 1 + 2
    assert sum(p["figures"]["purchases"] for p in points) == 1


@pytest.mark.slow
async def test_the_command_refreshes_every_brand(cli_env, database, db) -> None:
    await shop_with_a_buyer()
    env = {**cli_env, "DATABASE_URL": database} if db == "postgres" else cli_env
    if db == "sqlite":
        assert subprocess.run([SCRM, "migrate"], env=env, capture_output=True, timeout=120).returncode == 0
    done = await asyncio.to_thread(
        subprocess.run, [SCRM, "refresh-insight"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    if db == "postgres":
        assert re.fullmatch(r"acme: 1 buyers in [\d,]+ ms", done.stdout.strip()), done.stdout
        assert (await snapshot.current(1, Members())) is not None
        missing = subprocess.run([SCRM, "refresh-insight", "--brand", "nope"], env=env, capture_output=True, text=True)
        assert missing.returncode == 1 and "no brand" in missing.stderr
    else:
        assert "nothing to refresh" in done.stdout


async def registered_at_random(brand, guides: list, count: int, rng: random.Random) -> list[tuple[int, datetime]]:
    """`count` members registered at random in the 400 days before NOW, by the guides in turn."""
    people = []
    for n in range(count):
        m = await factories.member(brand, f"m{n}")
        registered = NOW - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        code = guides[n % len(guides)].invite_code
        await members.register(brand_id=brand.id, member_id=m.id, now=registered, code=code)
        people.append((m.id, registered))
    return people


async def test_random_histories_give_the_same_figures_live_and_pre_computed(db) -> None:
    """A year of random purchases and returns (same instants, returns before any purchase, members
    erased, three stores): every report, for periods cut mid-day and with each filter, live against
    pre-computed, to the unit."""
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    rng = random.Random(7)
    brand, a, b, ga, gb = await two_shops()
    people = await registered_at_random(brand, [ga, ga, gb], 60, rng)
    await Member.filter(id=people[5][0]).update(deleted_at=NOW)
    rows, shared = [], NOW - timedelta(days=40, hours=3)
    for serial in range(700):
        member_id, registered = rng.choice(people)
        at = shared if serial % 50 == 0 else registered + (NOW - registered) * rng.random()
        kind = TouchKind.PURCHASE if rng.random() < 0.85 else TouchKind.PURCHASE_REVERSED
        cents = rng.randint(1, 500) * (1 if kind is TouchKind.PURCHASE else -1)
        rows.append(
            Touch(
                brand_id=brand.id,
                member_id=member_id,
                kind=kind,
                occurred_at=at,
                amount_cents=cents,
                source=f"r:{serial}",
            )
        )
    await Touch.bulk_create(rows)

    zone = regional.of(brand).zone
    periods = [YEAR, (NOW - timedelta(days=93, hours=5, seconds=7), NOW - timedelta(days=2, minutes=11)), (shared, NOW)]
    filters = [Members(), Members(store_id=b.id), Members(guide_id=ga.id), Members(channel=Channel.GUIDE_QR)]

    async def everything() -> list[object]:
        out: list[object] = [(await funnel.funnel(brand_id=brand.id, store_id=s))[0] for s in (None, b.id)]
        for who in filters:
            for start, end in periods:
                for loyal in ((3, 6), (1, 1), (2, 24)):
                    found = await repurchase(
                        brand_id=brand.id,
                        start=start,
                        end=end,
                        loyal_purchases=loyal[0],
                        loyal_months=loyal[1],
                        members=who,
                    )
                    out.append(replace(found, as_of=None))
                out.append(
                    [
                        replace(g, as_of=None)
                        for g in await rfm.groups(brand_id=brand.id, start=start, end=end, members=who)
                    ]
                )
            for trait in demographics.Trait:
                rows = await demographics.demographics(brand_id=brand.id, by=trait, today=NOW.date(), members=who)
                out.append([replace(r, as_of=None) for r in rows])
            found = await cohorts.cohorts(
                brand_id=brand.id,
                first_month=(NOW - timedelta(days=420)).date(),
                months=15,
                now=NOW,
                zone=zone,
                members=who,
            )
            out.append([replace(c, as_of=None) for c in found])
        return out

    live = await everything()
    await refresh(brand)
    assert (await repurchase(brand_id=brand.id, start=YEAR[0], end=YEAR[1])).as_of == NOW
    pre = await everything()
    assert len(pre) == len(live) == 2 + 4 * (3 * 4 + 5 + 1)
    assert sum(pre[0].values()) == 60 + 2 - 1  # the funnel: the members and two guides, less the erased
    for n, (x, y) in enumerate(zip(live, pre, strict=True)):
        assert x == y, n


async def test_the_attribution_series_and_rows_are_the_same_from_the_pre_computed_days(db) -> None:
    """Touches of every kind at random over a year, in two stores, three campaigns, two tags: the
    series by day, week and month, for periods cut mid-day, at midnights and within one day, with
    each filter, live against the pre-computed days (and their live part-days), to the unit."""
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    rng = random.Random(11)
    brand, a, b, ga, gb = await two_shops()
    people = [member_id for member_id, _ in await registered_at_random(brand, [ga, gb], 40, rng)]
    await Member.filter(id__in=people[:10]).update(registration_tag="spring")
    kinds = [k for k in TouchKind if k is not TouchKind.REGISTRATION]
    rows = []
    for serial in range(900):
        kind = rng.choice(kinds)
        rows.append(
            Touch(
                brand_id=brand.id,
                member_id=rng.choice(people),
                kind=kind,
                occurred_at=NOW - timedelta(seconds=rng.randint(0, 370 * 86400)),
                amount_cents=rng.randint(-300, 900) if kind.value.startswith("purchase") else 0,
                store_id=rng.choice([a.id, b.id, None]),
                guide_id=rng.choice([ga.id, gb.id, None]),
                campaign_id=rng.choice([None, None, 1, 2, 3]),
                source=f"s:{serial}",
            )
        )
    await Touch.bulk_create(rows)
    zone = regional.of(brand).zone
    midnight = datetime(2026, 2, 9, 16, tzinfo=UTC)  # 10 February, 00:00 in Shanghai
    periods = [
        YEAR,
        (midnight, midnight + timedelta(days=61)),
        (NOW - timedelta(days=100, hours=7, seconds=3), NOW - timedelta(days=9, minutes=2)),
        (midnight + timedelta(hours=2), midnight + timedelta(hours=20)),  # within one day: live
    ]
    narrowed = [
        Filters(),
        Filters(store_id=b.id),
        Filters(campaign_id=2),
        Filters(channel=Channel.GUIDE_QR),
        Filters(registration_tag="spring"),
        Filters(guide_id=ga.id),  # live
    ]

    async def both() -> list[tuple[list[object], datetime | None]]:
        out = []
        for start, end in periods:
            for grain in Grain:
                for filters in narrowed:
                    for followed in (True, False):
                        kw = dict(start=start, end=end, grain=grain, zone=zone, filters=filters, followed=followed)
                        out.append((await report_series.series(brand_id=brand.id, **kw), None))
                        out.append(await series.series(brand_id=brand.id, **kw))
        return out

    before = await both()
    assert all(as_of is None for _, as_of in before)
    await refresh(brand)
    after = await both()
    read_pre = 0
    for n in range(0, len(after), 2):
        (live, _), (pre, as_of) = after[n], after[n + 1]
        assert pre == live == before[n][0], n
        read_pre += as_of is not None
    # Every period but the one within a day, every filter but the guide's, read the days.
    assert read_pre == 3 * len(Grain) * 5 * 2
    assert sum(p.figures.purchases for p in after[1][0]) != 0

    # Attribution by each dimension, whole and a page at a time: the same rows in the same order.
    compared = read_days = 0
    for start, end in periods:
        for by in Dimension:
            for filters in narrowed:
                for followed, limit, offset in ((True, 100, 0), (False, 100, 0), (True, 2, 1)):
                    kw = dict(start=start, end=end, by=by, limit=limit, offset=offset, followed=followed)
                    live = await reports.attribution(brand_id=brand.id, **kw, **asdict(filters))
                    pre, as_of = await day_attribution.attribution(brand_id=brand.id, zone=zone, filters=filters, **kw)
                    assert pre == live, (start, by, filters, followed, offset)
                    compared += 1
                    read_days += as_of is not None
    # Every period but the one within a day read the days: by store, campaign, channel or tag with
    # every filter but the guide's, by guide unfiltered or for one store.
    assert read_days == 3 * (4 * 5 + 2) * 3 and compared == 4 * len(Dimension) * 6 * 3


async def test_the_series_is_read_live_across_a_daylight_saving_change_or_another_zone(db) -> None:
    if db != "postgres":
        pytest.skip("the pre-computed tables are PostgreSQL's")
    brand, _ = await shop_with_a_buyer()
    await Brand.filter(id=brand.id).update(time_zone="America/New_York")
    brand = await Brand.get(id=brand.id)
    await refresh(brand)
    york = ZoneInfo("America/New_York")

    async def as_of(start: datetime, end: datetime, zone: ZoneInfo = york) -> datetime | None:
        return (
            await series.series(brand_id=brand.id, start=start, end=end, grain=Grain.DAY, zone=zone, filters=Filters())
        )[1]

    summer = datetime(2026, 4, 1, 4, tzinfo=UTC)  # midnight in New York, after the change of 8 March
    assert await as_of(summer, summer + timedelta(days=30)) == NOW
    assert await as_of(summer - timedelta(days=30), summer) is None  # across 8 March
    assert await as_of(summer, summer + timedelta(days=30), ZoneInfo("Asia/Tokyo")) is None
