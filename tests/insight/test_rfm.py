"""RFM groups agree with a reference computed in Python from the raw purchases (quintiles as SQL's
NTILE makes them, ties by member id), on both engines; members with nothing kept (all returned) or
outside the window are not scored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from insight.errors import InsightError
from insight.rfm import GROUPS, OTHERWISE, Group, groups
from referral.models import TouchKind
from referral.services import members, touches
from tests import factories
from tests.insight.shops import two_shops

END = datetime(2026, 6, 1, tzinfo=UTC)
START = END - timedelta(days=365)


def ntile(values: dict[int, tuple[object, ...]], n: int = 5) -> dict[int, int]:
    """SQL's NTILE(n) over the values in ascending order: the first (size % n) tiles one bigger."""
    order = sorted(values, key=lambda member: (values[member], member))
    base, extra = divmod(len(order), n)
    tiles, at = {}, 0
    for tile in range(1, n + 1):
        size = base + (1 if tile <= extra else 0)
        for member in order[at : at + size]:
            tiles[member] = tile
        at += size
    return tiles


def group_of(r: int, f: int) -> str:
    rules = {
        "champions": r >= 4 and f >= 4,
        "loyal": f >= 4,
        "potential_loyalists": r >= 4 and f >= 2,
        "new": r >= 4,
        "at_risk": r <= 2 and f >= 3,
        "hibernating": r <= 2,
    }
    return next((name for name, _ in GROUPS if rules[name]), OTHERWISE)


async def test_groups_agree_with_the_reference(db, reading) -> None:
    brand, _, _, ga, _ = await two_shops()
    bought: dict[int, list[tuple[datetime, int]]] = {}
    for i in range(13):
        m = await factories.member(brand, f"m{i}")
        await members.register(brand_id=brand.id, member_id=m.id, now=START, code=ga.invite_code)
        for k in range(i % 5 + 1):
            at = END - timedelta(days=(i * 23) % 300 + 3 * k + 1)
            cents = 1_000 * (k + 1) + i
            await touches.record(brand_id=brand.id, member_id=m.id, kind=TouchKind.PURCHASE, at=at, amount_cents=cents)
            bought.setdefault(m.id, []).append((at, cents))
    returned = await factories.member(brand, "returned")
    outside = await factories.member(brand, "outside")
    for m, at in ((returned, END - timedelta(days=5)), (outside, START - timedelta(days=1))):
        await members.register(brand_id=brand.id, member_id=m.id, now=START, code=ga.invite_code)
        await touches.record(brand_id=brand.id, member_id=m.id, kind=TouchKind.PURCHASE, at=at, amount_cents=500)
    await touches.record(
        brand_id=brand.id,
        member_id=returned.id,
        kind=TouchKind.PURCHASE_REVERSED,
        at=END - timedelta(days=4),
        amount_cents=-500,
    )

    r = ntile({m: (max(at for at, _ in b),) for m, b in bought.items()})
    f = ntile({m: (len(b),) for m, b in bought.items()})
    want: dict[str, list[int]] = {}
    for member, b in bought.items():
        want.setdefault(group_of(r[member], f[member]), []).append(sum(c for _, c in b))
    as_of = await reading(brand)
    expected = [
        Group(name, len(want.get(name, [])), sum(want.get(name, [])), as_of)
        for name in (*(n for n, _ in GROUPS), OTHERWISE)
    ]

    found = await groups(brand_id=brand.id, start=START, end=END)
    assert found == expected
    assert sum(g.members for g in found) == 13 and len({g.name for g in found if g.members}) >= 3


async def test_a_window_out_of_range_is_refused(db) -> None:
    with pytest.raises(InsightError):
        await groups(brand_id=1, start=END, end=START)
    with pytest.raises(InsightError):
        await groups(brand_id=1, start=END - timedelta(days=800), end=END)


async def test_over_graphql_every_group_is_listed(client, settings, db) -> None:
    brand, _, _, _, _ = await two_shops()
    hq = factories.staff_token(settings, await factories.staff(brand))
    period = {"f": START.isoformat(), "t": END.isoformat()}
    found = (await client.ok(RFM, period, token=hq))["rfm"]
    assert [g["name"] for g in found] == [*(n for n, _ in GROUPS), OTHERWISE]
    assert all(g["members"] == 0 and g["revenue"]["amount"] == 0 for g in found)


RFM = "query($f: DateTime!, $t: DateTime!) { rfm(from: $f, to: $t) { name members revenue { amount } } }"


async def test_as_a_csv_file(client, settings, db) -> None:
    from tests.insight.csv_file import csv_rows

    brand, _, _, _, _ = await two_shops()
    hq = factories.staff_token(settings, await factories.staff(brand))
    rows = await csv_rows(client, "/exports/reports/rfm.csv", hq, **{"from": START.isoformat(), "to": END.isoformat()})
    assert rows[0] == ["group", "members", "revenue", "currency", "as_of"]
    assert [r[0] for r in rows[1:]] == [*(n for n, _ in GROUPS), OTHERWISE]
