"""HQ figures on a data set small enough to count by hand, checked number by number."""

from datetime import UTC, datetime

import pytest

from referral.errors import ReferralError
from referral.models import BindingReason, Channel, Member, TouchKind
from referral.services import members, policy as policies, profiles, reports, touches
from referral.services.reports import Dimension, Figures, Metric
from tests import factories

JUNE = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
JULY = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))


def day(d: int, month: int = 6) -> datetime:
    return datetime(2026, month, d, 10, tzinfo=UTC)


def fig(
    key, new=0, referred=0, purchases=0, revenue=0, issued=0, written=0, signups=0, attended=0, tasks=0, followed=0
) -> Figures:
    return Figures(key, new, referred, purchases, revenue, issued, written, signups, attended, tasks, followed)


@pytest.fixture
async def book(db):
    """Stores S1 (guides g1, g2) and S2 (g3); six registrations, purchases, a return, a coupon, an event."""
    brand = await factories.brand("acme")
    s1, s2 = await factories.store(brand, "S1"), await factories.store(brand, "S2")
    g1, g2, g3 = [await factories.guide(brand, s, f"g{i}") for i, s in ((1, s1), (2, s1), (3, s2))]
    people = {}

    async def reg(name: str, when: datetime, code: str | None = None, channel=None, campaign=None) -> Member:
        m = await factories.member(brand, name)
        people[name] = await members.register(
            brand_id=brand.id, member_id=m.id, code=code, now=when, channel=channel, campaign=campaign
        )
        return people[name]

    a1 = await reg("a1", day(2), g1.invite_code)
    await reg("a2", day(2), g1.invite_code)
    a3 = await reg("a3", day(3), g2.invite_code)
    a4 = await reg("a4", day(3), g3.invite_code)
    f1 = await reg("f1", day(4), a1.invite_code)
    o1 = await reg("o1", day(4), channel=Channel.PRODUCT_SCAN, campaign="spring")

    async def touch(member, kind, when, amount=0, **extra):
        await touches.record(
            brand_id=brand.id,
            member_id=member.id,
            kind=kind,
            at=when,
            amount_cents=amount,
            attribute="guide_id" not in extra,
            **extra,
        )

    await touch(a1, TouchKind.PURCHASE, day(5), 10_000)
    await touch(a1, TouchKind.PURCHASE, day(6), 5_000)
    await touch(a3, TouchKind.PURCHASE, day(7), 8_000)
    await touch(a3, TouchKind.PURCHASE_REVERSED, day(10), -8_000)
    await touch(f1, TouchKind.PURCHASE, day(8), 3_000)
    await touch(o1, TouchKind.PURCHASE, day(9), 2_000, campaign="spring")
    await touch(a4, TouchKind.PURCHASE, day(2, month=7), 7_000)
    await touch(a1, TouchKind.COUPON_ISSUED, day(5))
    # The write-off is credited to the guide who did it (g2), not to the member's guide.
    await touch(a1, TouchKind.COUPON_WRITTEN_OFF, day(12), guide_id=g2.id, store_id=s1.id)
    await touch(a3, TouchKind.EVENT_SIGN_UP, day(14))
    await touch(a3, TouchKind.EVENT_CHECK_IN, day(20))
    return brand, (s1, s2), (g1, g2, g3), people


async def test_june_by_guide(book) -> None:
    brand, _, (g1, g2, g3), _ = book
    rows = await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE)
    assert rows == [
        fig(str(g1.id), new=3, referred=1, purchases=3, revenue=18_000, issued=1),
        fig(str(g2.id), new=1, purchases=0, revenue=0, written=1, signups=1, attended=1),
        fig(str(g3.id), new=1),
        fig(None, new=1, purchases=1, revenue=2_000),
    ]


async def test_june_by_store_channel_and_campaign(book) -> None:
    brand, (s1, s2), _, _ = book
    by = lambda d, **f: reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=d, **f)  # noqa: E731
    stores = {r.key: r for r in await by(Dimension.STORE)}
    assert stores == {
        str(s1.id): fig(
            str(s1.id), new=4, referred=1, purchases=3, revenue=18_000, issued=1, written=1, signups=1, attended=1
        ),
        str(s2.id): fig(str(s2.id), new=1),
        None: fig(None, new=1, purchases=1, revenue=2_000),
    }
    channels = {r.key: r for r in await by(Dimension.CHANNEL)}
    assert channels == {
        "guide_qr": fig("guide_qr", new=4, purchases=2, revenue=15_000, issued=1, written=1, signups=1, attended=1),
        "member_invite": fig("member_invite", new=1, referred=1, purchases=1, revenue=3_000),
        "product_scan": fig("product_scan", new=1, purchases=1, revenue=2_000),
    }
    # The free-text tag a member registered with is a dimension of its own (campaign rules have theirs).
    campaigns = {r.key: r for r in await by(Dimension.REGISTRATION_TAG)}
    assert campaigns["spring"] == fig("spring", new=1, purchases=1, revenue=2_000)
    assert campaigns[None] == fig(
        None, new=5, referred=1, purchases=3, revenue=18_000, issued=1, written=1, signups=1, attended=1
    )
    filtered = await by(Dimension.GUIDE, store_id=s2.id)
    assert [(r.key, r.new_members) for r in filtered] == [(filtered[0].key, 1)] and len(filtered) == 1


async def test_a_later_month_and_a_later_guide_change_leave_june_alone(book) -> None:
    brand, (s1, s2), (g1, g2, g3), people = book
    july = await reports.attribution(brand_id=brand.id, start=JULY[0], end=JULY[1], by=Dimension.GUIDE)
    assert july == [fig(str(g3.id), purchases=1, revenue=7_000)]
    before = await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE)
    await members.rebind(
        brand_id=brand.id,
        member_id=people["a1"].id,
        from_guide_id=g1.id,
        to_guide=g3,
        now=day(3, month=7),
        reason=BindingReason.REASSIGNMENT,
    )
    assert await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.GUIDE) == before


async def test_leaderboard_and_funnel(book) -> None:
    brand, _, (g1, g2, g3), _ = book
    board = await reports.leaderboard(
        brand_id=brand.id, start=JUNE[0], end=JUNE[1], metric=Metric.REVENUE_CENTS, limit=2
    )
    assert [(r.key, r.revenue_cents) for r in board] == [(str(g1.id), 18_000), (str(g2.id), 0)]
    by_members = await reports.leaderboard(brand_id=brand.id, start=JUNE[0], end=JUNE[1], metric=Metric.NEW_MEMBERS)
    assert [(r.key, r.new_members) for r in by_members] == [(str(g1.id), 3), (str(g2.id), 1), (str(g3.id), 1)]
    # The three guides are members who never registered as customers: "aware".
    assert await reports.funnel(brand_id=brand.id) == {
        profiles.Stage.AWARE: 3,
        profiles.Stage.REGISTERED: 2,
        profiles.Stage.PURCHASED: 3,
        profiles.Stage.REPEAT: 0,
        profiles.Stage.ADVOCATE: 1,
    }


async def test_profile_stage_matches_the_funnel_rule_and_scores_explain_themselves(book) -> None:
    brand, _, _, people = book
    everyone = await Member.filter(brand_id=brand.id)
    stats = await profiles.stats_for(brand_id=brand.id, member_ids=[m.id for m in everyone])
    stages = [profiles.stage_of(m, stats[m.id]) for m in everyone]
    funnel = await reports.funnel(brand_id=brand.id)
    assert {s: stages.count(s) for s in profiles.Stage} == funnel

    policy = await policies.get(brand_id=brand.id)
    a1 = people["a1"]
    profile = profiles.profile_of(a1, stats[a1.id], policy, day(30))
    assert profile.stage is profiles.Stage.ADVOCATE
    value = profile.value
    assert (value.revenue, value.engagement, value.influence, value.total) == (150.0, 2.0, 23.0, 175.0)
    assert [(p.score, p.count, p.points) for p in value.parts] == [
        ("revenue", 15_000, 150.0),
        ("engagement", 1, 2),
        ("influence", 1, 20),
        ("influence", 3_000, 3.0),
    ]


@pytest.mark.parametrize(
    ("start", "end"), [(JUNE[1], JUNE[0]), (JUNE[0], JUNE[0]), (datetime(2025, 1, 1, tzinfo=UTC), JUNE[1])]
)
async def test_bad_periods_are_refused(book, start, end) -> None:
    brand, *_ = book
    with pytest.raises(ReferralError) as err:
        await reports.attribution(brand_id=brand.id, start=start, end=end, by=Dimension.GUIDE)
    assert err.value.code.value == "PERIOD_INVALID"
