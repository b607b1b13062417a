"""Insight reports narrowed to a campaign: only purchases (and their returns) credited to it count, in
demographics, cohorts, repurchase and RFM, over GraphQL and in the CSV exports, on both engines; a
campaign the brand does not have is refused, not an empty report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalty.services import campaigns
from referral.models import TouchKind
from referral.services import members, touches
from schema import ids
from tests import factories
from tests.insight.shops import two_shops


def on(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 4, tzinfo=UTC)


@pytest.fixture
async def cast(db):
    brand, *_ = await two_shops()
    spec = campaigns.CampaignSpec(name="Spring", starts_at=on(1, 1), ends_at=on(12, 1), points=10)
    spring = await campaigns.create(brand_id=brand.id, spec=spec)
    other = await factories.brand("other")
    foreign = await campaigns.create(brand_id=other.id, spec=spec)
    people = {}
    for name in ("a", "b", "c"):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=on(5, 2))
        people[name] = m

    async def bought(name: str, day: int, credited: bool, kind: TouchKind = TouchKind.PURCHASE) -> None:
        await touches.record(
            brand_id=brand.id,
            member_id=people[name].id,
            kind=kind,
            at=on(6, day),
            amount_cents=100 if kind is TouchKind.PURCHASE else -100,
            campaign_id=spring.id if credited else None,
        )

    await bought("a", 1, True)
    await bought("a", 11, True)  # a: two credited purchases
    await bought("b", 2, True)
    await bought("b", 3, True, TouchKind.PURCHASE_REVERSED)  # b: the credited one came back
    await bought("b", 4, False)
    await bought("c", 5, False)  # c: nothing credited
    return {"brand": brand, "spring": spring, "foreign": foreign}


REPORTS = """query($f: DateTime!, $t: DateTime!, $c: ID) {
  demographics(by: LOCALE, campaignId: $c) { members buyers revenue { amount } }
  cohorts(from: "2026-05-01", months: 1, campaignId: $c) { members cells { since buyers } }
  repurchase(from: $f, to: $t, campaignId: $c) { buyers repeatBuyers meanDaysBetween }
  rfm(from: $f, to: $t, campaignId: $c) { members } }"""
JUNE = {"f": "2026-06-01T00:00:00Z", "t": "2026-07-01T00:00:00Z"}


async def test_only_purchases_credited_to_the_campaign_count(client, settings, cast) -> None:
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    everything = await client.ok(REPORTS, {**JUNE, "c": None}, token=hq)
    spring = await client.ok(REPORTS, {**JUNE, "c": ids.encode("Campaign", cast["spring"].id)}, token=hq)

    assert everything["demographics"] == [{"members": 3, "buyers": 3, "revenue": {"amount": 400}}]
    assert spring["demographics"] == [{"members": 3, "buyers": 1, "revenue": {"amount": 200}}]
    assert everything["cohorts"] == [{"members": 3, "cells": [{"since": 0, "buyers": 0}, {"since": 1, "buyers": 3}]}]
    assert spring["cohorts"] == [{"members": 3, "cells": [{"since": 0, "buyers": 0}, {"since": 1, "buyers": 1}]}]
    assert everything["repurchase"] == {"buyers": 3, "repeatBuyers": 1, "meanDaysBetween": 6.0}
    assert spring["repurchase"] == {"buyers": 1, "repeatBuyers": 1, "meanDaysBetween": 10.0}
    assert sum(g["members"] for g in everything["rfm"]) == 3
    assert sum(g["members"] for g in spring["rfm"]) == 1


async def test_a_campaign_of_another_brand_is_refused_not_an_empty_report(client, settings, cast) -> None:
    hq = factories.staff_token(settings, await factories.staff(cast["brand"]))
    foreign = ids.encode("Campaign", cast["foreign"].id)
    answer = await client.post(REPORTS, {**JUNE, "c": foreign}, token=hq)
    assert answer.errors, answer.body
    assert {e["extensions"]["code"] for e in answer.errors} == {"CAMPAIGN_NOT_FOUND"}, answer.errors
    exported = await client.http.get(
        f"/exports/reports/rfm.csv?from={JUNE['f']}&to={JUNE['t']}&campaignId={foreign}",
        headers={"authorization": f"Bearer {hq}"},
    )
    assert exported.status_code == 404 and exported.json()["errors"][0]["code"] == "CAMPAIGN_NOT_FOUND"
    credited = await client.http.get(
        f"/exports/reports/rfm.csv?from={JUNE['f']}&to={JUNE['t']}&campaignId={ids.encode('Campaign', cast['spring'].id)}",
        headers={"authorization": f"Bearer {hq}"},
    )
    assert credited.status_code == 200
