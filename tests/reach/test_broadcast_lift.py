"""The holdout is reproducible from its seed, and the lift report is checked figure by figure
against a known data set: purchases, returns, sign-ups and write-offs inside and outside the window."""

from __future__ import annotations

import math
from datetime import timedelta

from reach import holdout
from reach.models import AudienceGroup, BroadcastRecipient
from referral.models import IdentityProvider, Message, MessageKind, TouchKind
from referral.services import touches
from schema import ids
from tests.reach.broadcasting import REPORT, broadcast, person, segment


async def _groups(broadcast_id: str) -> dict[AudienceGroup, set[int]]:
    found: dict[AudienceGroup, set[int]] = {g: set() for g in AudienceGroup}
    for r in await BroadcastRecipient.filter(broadcast_id=ids.decode(broadcast_id, "Broadcast")):
        found[r.audience_group].add(r.member_id)
    return found


async def test_the_same_seed_holds_out_the_same_members(client, town, deliver, upstream) -> None:
    people = [await person(town, f"m{i}", IdentityProvider.LINE) for i in range(60)]
    where = await segment(client, town)
    one = await broadcast(client, town, where, name="One", holdoutPercent=30, holdoutSeed=7, frequencyCap=50)
    two = await broadcast(client, town, where, name="Two", holdoutPercent=30, holdoutSeed=7, frequencyCap=50)
    other = await broadcast(client, town, where, name="Three", holdoutPercent=30, holdoutSeed=8, frequencyCap=50)
    await deliver.run_once(limit=500)

    first, second, third = await _groups(one["id"]), await _groups(two["id"]), await _groups(other["id"])
    assert first == second and first != third
    assert 5 <= len(first[AudienceGroup.HOLDOUT]) <= 35  # about 30% of 60
    assert first[AudienceGroup.HOLDOUT] | first[AudienceGroup.RECIPIENT] == {p.id for p in people}
    # The holdout is sent nothing: 3 broadcasts' recipients were messaged, no one else.
    messaged = await Message.filter(kind=MessageKind.BROADCAST).values_list("member_id", flat=True)
    assert len(messaged) == sum(len(g[AudienceGroup.RECIPIENT]) for g in (first, second, third))
    assert not set(messaged) - first[AudienceGroup.RECIPIENT] - third[AudienceGroup.RECIPIENT]
    # And it is the seed's: a bucket of a hash of (seed, member id), nothing stored elsewhere.
    assert first[AudienceGroup.HOLDOUT] == {p.id for p in people if holdout.held_out(7, p.id, 30)}


async def test_the_lift_report_agrees_with_the_raw_data(client, town, deliver, upstream) -> None:
    people = [await person(town, f"m{i}", IdentityProvider.LINE) for i in range(24)]
    made = await broadcast(client, town, await segment(client, town), holdoutPercent=50, holdoutSeed=11)
    await deliver.run_once(limit=500)
    sent_at = town["clock"].now
    groups = await _groups(made["id"])
    treated, control = sorted(groups[AudienceGroup.RECIPIENT]), sorted(groups[AudienceGroup.HOLDOUT])
    assert len(treated) >= 3 and len(control) >= 3

    brand = town["brand"].id
    n = iter(range(10_000))

    async def touch(member_id: int, kind: TouchKind, days: float, amount: int = 0) -> None:
        await touches.record(
            brand_id=brand,
            member_id=member_id,
            kind=kind,
            at=sent_at + timedelta(days=days),
            amount_cents=amount,
            source=f"test:{next(n)}",
        )

    # Inside the 14-day window unless said otherwise.
    await touch(treated[0], TouchKind.PURCHASE, 1, 29_900)
    await touch(treated[0], TouchKind.PURCHASE, 2, 29_900)
    await touch(treated[0], TouchKind.PURCHASE_REVERSED, 3, -29_900)
    await touch(treated[1], TouchKind.PURCHASE, 13.9, 10_000)
    await touch(treated[2], TouchKind.PURCHASE, 14.1, 99_999)  # after the window
    await touch(treated[2], TouchKind.EVENT_SIGN_UP, 5)
    await touch(treated[1], TouchKind.COUPON_WRITTEN_OFF, 6)
    await touch(control[0], TouchKind.PURCHASE, 4, 29_900)
    await touch(control[1], TouchKind.PURCHASE, -1, 50_000)  # before the send
    await touch(control[1], TouchKind.EVENT_SIGN_UP, 2)

    report = (await client.ok(REPORT, {"id": made["id"]}, token=town["hq"]))["node"]["report"]

    nt, nc = len(treated), len(control)
    assert report["audience"] == len(people) == nt + nc and report["heldOut"] == nc
    assert report["recipients"] == {
        "members": nt,
        "converted": 2,
        "conversionRate": 2 / nt,
        "claims": 3,
        "revenue": {"amount": 29_900 + 10_000},
        "signUps": 1,
        "writeOffs": 1,
    }
    assert report["holdout"] == {
        "members": nc,
        "converted": 1,
        "conversionRate": 1 / nc,
        "claims": 1,
        "revenue": {"amount": 29_900},
        "signUps": 1,
        "writeOffs": 0,
    }
    p1, p0 = 2 / nt, 1 / nc
    se = math.sqrt(p1 * (1 - p1) / nt + p0 * (1 - p0) / nc)
    lift = report["conversionLift"]
    assert lift["difference"] == p1 - p0
    assert math.isclose(lift["low"], p1 - p0 - 1.959964 * se) and math.isclose(lift["high"], p1 - p0 + 1.959964 * se)
    # Revenue per member: Welch's interval over each member's own revenue in the window.
    per_t = [29_900, 10_000] + [0] * (nt - 2)
    per_c = [29_900] + [0] * (nc - 1)

    def mean_var(xs: list[int]) -> tuple[float, float]:
        m = sum(xs) / len(xs)
        return m, sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

    (mt, vt), (mc, vc) = mean_var(per_t), mean_var(per_c)
    se_r = math.sqrt(vt / nt + vc / nc)
    revenue = report["revenueLift"]
    assert math.isclose(revenue["difference"], mt - mc)
    assert math.isclose(revenue["low"], mt - mc - 1.959964 * se_r) and math.isclose(
        revenue["high"], mt - mc + 1.959964 * se_r
    )
    # A longer window takes in the late purchase.
    later = (await client.ok(REPORT, {"id": made["id"], "d": 15}, token=town["hq"]))["node"]["report"]
    assert later["conversionDays"] == 15 and later["recipients"]["claims"] == 4


async def test_line_pushes_stop_at_the_months_quota_and_the_rest_go_to_the_inbox(
    client, town, deliver, upstream
) -> None:
    upstream.line_quota = 3
    for i in range(5):
        await person(town, f"m{i}", IdentityProvider.LINE)
    made = await broadcast(client, town, await segment(client, town))
    await deliver.run_once()

    assert len(upstream.line_pushed) == 3
    routes = (await client.ok(REPORT, {"id": made["id"]}, token=town["hq"]))["node"]["report"]["routes"]
    assert {r["route"]: r["sent"] for r in routes} == {"LINE": 3, "INBOX": 2}
