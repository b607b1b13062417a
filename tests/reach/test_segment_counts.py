"""Segments count exactly, on both engines: a known cast of members, and the count each condition
and each combination must give, evaluated as one SQL statement per segment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from events.models import Event, Registration, RegistrationStatus
from loyalty import item_codes
from loyalty.models import Claim, Coupon, CouponKind
from loyalty.services import batches, claims, coupons
from reach import conditions as c, segments
from reach.errors import ReachError
from referral.models import Channel, ConsentSource, Gender, IdentityProvider, Member, MemberIdentity, SubscribeResult
from referral.services import consent, members, profiles, tags
from referral.services.profiles import Score, Stage
from tests import factories

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def cast(db, settings):
    """m1..m3 registered in store A or B; m4 never registered; m5 erased."""
    brand = await factories.brand()
    brand.wechat_templates = {"event_cancelled": "TPL-CANCEL"}
    await brand.save()
    a, b = await factories.store(brand, "A"), await factories.store(brand, "B")
    ga, gb = await factories.guide(brand, a, "ga"), await factories.guide(brand, b, "gb")
    people = {}
    for name, guide in (("m1", ga), ("m2", gb), ("m3", ga), ("m5", gb)):
        m = await factories.member(brand, name)
        await members.register(brand_id=brand.id, member_id=m.id, now=NOW - timedelta(days=100), code=guide.invite_code)
        people[name] = m
    people["m4"] = await factories.member(brand, "m4")
    today = NOW.date()
    await Member.filter(id=people["m1"].id).update(
        city="上海",
        gender=Gender.FEMALE,
        locale="zh-Hans",
        baby_birth_date=today - relativedelta(months=6),
        marketing_consent_at=NOW,
    )
    await Member.filter(id=people["m2"].id).update(
        city="北京", baby_birth_date=today - relativedelta(months=13), registered_at=NOW - timedelta(days=10)
    )
    await Member.filter(id=people["m3"].id).update(city="北京", baby_birth_date=date(2000, 1, 1))
    vic = await tags.create(brand_id=brand.id, name="VIC")
    for name in ("m1", "m5"):
        await tags.attach(brand_id=brand.id, member_id=people[name].id, tag_id=vic.id)
    await Member.filter(id=people["m5"].id).update(deleted_at=NOW, city="上海")
    milk = await batches.create(
        brand_id=brand.id, key_id=1, sku="MILK", product_name="Milk", quantity=100, price_cents=100, points_per_item=30
    )
    gold = await batches.create(
        brand_id=brand.id, key_id=1, sku="GOLD", product_name="Gold", quantity=100, price_cents=100, points_per_item=30
    )
    serial = iter(range(100))

    async def buy(name: str, batch, days_ago: int) -> None:
        code = item_codes.encode(settings.item_keyring.key(1), 1, batch.id, next(serial))
        done = await claims.claim(
            keyring=settings.item_keyring, brand_id=brand.id, member_id=people[name].id, code=code, now=NOW
        )
        await Claim.filter(id=done.claim.id).update(claimed_at=NOW - timedelta(days=days_ago))

    await buy("m1", milk, 3)
    await buy("m1", milk, 10)
    await buy("m2", gold, 90)
    template = await coupons.create_template(brand_id=brand.id, name="Gift", kind=CouponKind.GIFT, valid_days=5)
    await coupons.issue(brand_id=brand.id, template_id=template.id, member_id=people["m1"].id, now=NOW)
    used = await coupons.issue(brand_id=brand.id, template_id=template.id, member_id=people["m3"].id, now=NOW)
    await Coupon.filter(id=used.id).update(status="written_off")
    event = await factories.event(brand, a, now=NOW - timedelta(days=30))
    # It took place three days ago: who signed up and did not come missed it.
    await Event.filter(id=event.id).update(starts_at=NOW - timedelta(days=3), ends_at=NOW - timedelta(days=3, hours=-2))
    for name, attended in (("m1", True), ("m3", False)):
        await Registration.create(
            brand_id=brand.id,
            event_id=event.id,
            member_id=people[name].id,
            status=RegistrationStatus.CONFIRMED,
            ticket_code=f"T-{name}",
            signed_up_at=NOW,
            checked_in_at=NOW if attended else None,
        )
    await MemberIdentity.filter(member_id=people["m1"].id).update(provider=IdentityProvider.LINE, subject="line-m1")
    await MemberIdentity.filter(member_id=people["m3"].id).update(
        provider=IdentityProvider.LINE, subject="line-m3", pushable=False
    )
    await consent.record(
        brand_id=brand.id,
        member_id=people["m2"].id,
        answers=[consent.Answer("TPL-CANCEL", SubscribeResult.ACCEPT)],
        source=ConsentSource.CLIENT,
        now=NOW,
    )
    return dict(brand=brand, a=a, b=b, ga=ga, gb=gb, vic=vic, event=event, template=template, **people)


async def _who(cast, condition, **scope) -> list[str]:
    ids = await segments.member_ids(scope=segments.Scope(cast["brand"].id, **scope), condition=condition, now=NOW)
    count = await segments.count(scope=segments.Scope(cast["brand"].id, **scope), condition=condition, now=NOW)
    names = sorted(n for n in ("m1", "m2", "m3", "m4", "m5") if cast[n].id in ids)
    assert count == len(names)
    return names


async def test_each_condition_counts_exactly(cast) -> None:
    expect = {
        c.HasTag(cast["vic"].id): ["m1"],  # m5 is erased
        c.CameBy(Channel.GUIDE_QR): ["m1", "m2", "m3"],
        c.InStore(cast["a"].id): ["m1", "m3"],
        c.ServedBy(cast["gb"].id): ["m2"],
        c.RegisteredBetween(NOW - timedelta(days=30), NOW): ["m2"],
        c.Bought(): ["m1", "m2"],
        c.Bought(at_least=2): ["m1"],
        c.Bought(sku="GOLD"): ["m2"],
        c.Bought(within_days=7): ["m1"],
        c.NoPurchaseFor(days=60): ["m2"],
        c.PointsAtLeast(60): ["m1"],
        c.HoldsCoupon(): ["m1"],
        c.HoldsCoupon(template_id=cast["template"].id, expiring_within_days=7): ["m1"],
        c.HoldsCoupon(expiring_within_days=2): [],
        c.AtEvent(cast["event"].id): ["m1", "m3"],
        c.AtEvent(attended=True): ["m1"],
        c.BabyAgeMonths(6, 6): ["m1"],
        c.BabyAgeMonths(12, 18): ["m2"],
        c.LivesIn("北京"): ["m2", "m3"],
        c.GenderIs(Gender.FEMALE): ["m1"],
        c.SpeaksLocale("zh-Hans"): ["m1"],
        c.WechatCredit("TPL-CANCEL"): ["m2"],
        c.LineFriend(): ["m1"],  # m3 blocked the account
        c.MarketingConsent(): ["m1"],
        c.AtEvent(missed=True): ["m3"],  # confirmed, not checked in, the event is over
        c.AtEvent(cast["event"].id, missed=True): ["m3"],
        c.AtStage(Stage.REPEAT): ["m1"],
        c.AtStage(Stage.PURCHASED): ["m2"],
        c.AtStage(Stage.REGISTERED): ["m3"],
        c.AtStage(Stage.ADVOCATE): [],
    }
    for condition, names in expect.items():
        assert await _who(cast, condition) == names, condition


async def test_and_or_not_and_scopes(cast) -> None:
    either = c.AnyOf((c.Bought(sku="GOLD"), c.AtEvent(attended=True)))
    assert await _who(cast, either) == ["m1", "m2"]
    assert await _who(cast, c.AllOf((either, c.LivesIn("北京")))) == ["m2"]
    # Several table conditions together, and a plain one between them.
    assert await _who(cast, c.AllOf((c.AtEvent(attended=True), c.HoldsCoupon(), c.Bought()))) == ["m1"]
    assert await _who(cast, c.AllOf((c.Bought(), c.LivesIn("北京"), c.Bought(sku="GOLD"), c.AtEvent()))) == []
    assert await _who(cast, c.AllOf((c.Bought(), c.LivesIn("北京"), c.Bought(sku="GOLD")))) == ["m2"]
    assert await _who(cast, c.NotThis(c.Bought())) == ["m3"]
    # Only m1 gave a gender: "not female" keeps the two who said nothing (SQL's NOT of NULL would not).
    assert await _who(cast, c.NotThis(c.GenderIs(Gender.FEMALE))) == ["m2", "m3"]
    assert await _who(cast, c.NotThis(c.NotThis(c.GenderIs(Gender.FEMALE)))) == ["m1"]
    assert await _who(cast, c.AllOf((c.NotThis(c.LineFriend()), c.NotThis(c.WechatCredit("TPL-CANCEL"))))) == ["m3"]
    assert await _who(cast, c.CameBy(Channel.GUIDE_QR), store_id=cast["a"].id) == ["m1", "m3"]
    assert await _who(cast, c.CameBy(Channel.GUIDE_QR), guide_id=cast["gb"].id) == ["m2"]


@pytest.mark.parametrize(
    "condition",
    [
        c.AllOf(()),
        c.AnyOf(()),
        c.RegisteredBetween(NOW, NOW - timedelta(days=1)),
        c.BabyAgeMonths(12, 6),
        c.Bought(within_days=0),
        c.NotThis(c.NotThis(c.NotThis(c.NotThis(c.NotThis(c.NotThis(c.LineFriend())))))),
        c.AnyOf(tuple(c.LivesIn(str(i)) for i in range(50))),
        c.AtEvent(attended=True, missed=True),
        # Naming what the brand does not have: refused, not an empty count that looks like an answer.
        c.HasTag(999_999),
        c.AllOf((c.LivesIn("北京"), c.NotThis(c.InStore(999_999)))),
        c.ServedBy(999_999),
        c.AtEvent(999_999),
        c.HoldsCoupon(template_id=999_999),
        c.WechatCredit("TPL-NOPE"),
        c.ValueBetween(),
        c.ValueBetween(at_least=5, at_most=4),
        c.ValueBetween(at_least=-1),
    ],
)
async def test_empty_contradictory_or_oversized_segments_are_refused(cast, condition) -> None:
    with pytest.raises(ReachError) as refused:
        await segments.count(scope=segments.Scope(cast["brand"].id), condition=condition, now=NOW)
    assert refused.value.code.value == "SEGMENT_INVALID"


async def test_value_scores_select_as_profiles_score_them(cast) -> None:
    """value_sql (one statement per segment) against profiles.value_of (Python, per member) at
    thresholds either side of each member's scores: the two must select the same members."""
    await Member.filter(id=cast["m2"].id).update(referrer_id=cast["m3"].id)  # m3 brought m2
    names = ("m1", "m2", "m3")
    stats = await profiles.stats_for(brand_id=cast["brand"].id, member_ids=[cast[n].id for n in names])
    scores = {n: profiles.value_of(stats[cast[n].id]) for n in names}
    assert scores["m3"].influence == pytest.approx(20 + 0.1 * 1)  # m2 spent 1.00
    assert await _who(cast, c.ValueBetween(Score.INFLUENCE, at_least=20)) == ["m3"]
    assert await _who(cast, c.ValueBetween(Score.REVENUE, at_least=1, at_most=1)) == ["m2"]
    for score in Score:
        for points in (0, 1, 2, 3, 5, 20, 21, 1000):
            want = {n: getattr(scores[n], score.value) for n in names}
            at_least = await _who(cast, c.ValueBetween(score, at_least=points))
            at_most = await _who(cast, c.ValueBetween(score, at_most=points))
            assert at_least == [n for n in names if want[n] >= points], (score, points, want)
            assert at_most == [n for n in names if want[n] <= points], (score, points, want)
