"""A saved segment keeps its conditions as JSON and gets the same conditions back, for every kind."""

from datetime import UTC, datetime

import pytest

from reach import condition_json, conditions as c
from reach.errors import ReachError
from referral.models import Channel, Gender
from referral.services.profiles import Score, Stage

EVERY_KIND = c.AllOf(
    (
        c.AnyOf((c.HasTag(3), c.CameBy(Channel.GUIDE_QR), c.InStore(2), c.ServedBy(7))),
        c.NotThis(c.RegisteredBetween(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))),
        c.Bought(2, "MILK", 30),
        c.NoPurchaseFor(60),
        c.PointsAtLeast(100),
        c.HoldsCoupon(4, 7),
        c.AtEvent(5, True),
        c.AtEvent(None, False, True),
        c.BabyAgeMonths(6, 9),
        c.LivesIn("上海"),
        c.GenderIs(Gender.FEMALE),
        c.SpeaksLocale("ja"),
        c.WechatCredit("tpl-1"),
        c.MarketingConsent(),
        c.LineFriend(),
        c.AtStage(Stage.REPEAT),
        c.ValueBetween(Score.INFLUENCE, 20, None),
    )
)


def test_every_kind_round_trips() -> None:
    kinds = {type(x).__name__ for x in (EVERY_KIND, *EVERY_KIND.parts, *EVERY_KIND.parts[0].parts)}
    kinds |= {type(EVERY_KIND.parts[1].part).__name__}
    assert kinds == {name for name in c.__dict__ if name in condition_json._KINDS}
    assert condition_json.load(condition_json.dump(EVERY_KIND)) == EVERY_KIND


@pytest.mark.parametrize("data", [{}, {"kind": "Nope"}, {"kind": "HasTag"}, {"kind": "GenderIs", "gender": "x"}, []])
def test_json_that_is_not_a_condition_is_refused(data) -> None:
    with pytest.raises(ReachError):
        condition_json.load(data)
