"""A segment's conditions as one SQL WHERE clause over `member m`, the same on SQLite and PostgreSQL:
every relative time is turned into an instant or a date here and passed as a parameter, so no
engine's date arithmetic is needed, and every related table is reached by EXISTS."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from reach import conditions as c
from referral.sql import Statement


def where(condition: c.Condition, q: Statement, *, now: datetime) -> str:
    return _Compiler(q, now).sql(condition)


class _Compiler:
    def __init__(self, q: Statement, now: datetime) -> None:
        self.q = q
        self.now = now

    def p(self, value: object) -> str:
        return self.q.p(value)

    def sql(self, x: c.Condition) -> str:  # noqa: C901 - one branch per kind of condition
        p = self.p
        if isinstance(x, c.AllOf):
            return "(" + " AND ".join(self.sql(part) for part in x.parts) + ")"
        if isinstance(x, c.AnyOf):
            return "(" + " OR ".join(self.sql(part) for part in x.parts) + ")"
        if isinstance(x, c.NotThis):
            return f"(NOT {self.sql(x.part)})"
        if isinstance(x, c.HasTag):
            return f"EXISTS (SELECT 1 FROM member_tag t WHERE t.member_id = m.id AND t.tag_id = {p(x.tag_id)})"
        if isinstance(x, c.CameBy):
            return f"m.channel = {p(x.channel.value)}"
        if isinstance(x, c.InStore):
            return f"EXISTS (SELECT 1 FROM guide g WHERE g.id = m.guide_id AND g.store_id = {p(x.store_id)})"
        if isinstance(x, c.ServedBy):
            return f"m.guide_id = {p(x.guide_id)}"
        if isinstance(x, c.RegisteredBetween):
            return f"(m.registered_at >= {p(x.start)} AND m.registered_at < {p(x.end)})"
        if isinstance(x, c.Bought):
            join = " JOIN code_batch b ON b.id = cl.batch_id" if x.sku is not None else ""
            filters = "" if x.sku is None else f" AND b.sku = {p(x.sku)}"
            if x.within_days is not None:
                filters += f" AND cl.claimed_at >= {p(self.now - timedelta(days=x.within_days))}"
            return (
                f"(SELECT COUNT(*) FROM claim cl{join} WHERE cl.member_id = m.id AND cl.reversed_at IS NULL"
                f"{filters}) >= {p(x.at_least)}"
            )
        if isinstance(x, c.NoPurchaseFor):
            stands = "SELECT 1 FROM claim cl WHERE cl.member_id = m.id AND cl.reversed_at IS NULL"
            since = p(self.now - timedelta(days=x.days))
            return f"(EXISTS ({stands}) AND NOT EXISTS ({stands} AND cl.claimed_at >= {since}))"
        if isinstance(x, c.PointsAtLeast):
            return f"EXISTS (SELECT 1 FROM points_account a WHERE a.member_id = m.id AND a.balance >= {p(x.points)})"
        if isinstance(x, c.HoldsCoupon):
            filters = f" AND k.expires_at > {p(self.now)}"
            if x.template_id is not None:
                filters += f" AND k.template_id = {p(x.template_id)}"
            if x.expiring_within_days is not None:
                filters += f" AND k.expires_at <= {p(self.now + timedelta(days=x.expiring_within_days))}"
            return f"EXISTS (SELECT 1 FROM coupon k WHERE k.member_id = m.id AND k.status = 'issued'{filters})"
        if isinstance(x, c.AtEvent):
            filters = "" if x.event_id is None else f" AND r.event_id = {p(x.event_id)}"
            filters += " AND r.checked_in_at IS NOT NULL" if x.attended else " AND r.status <> 'cancelled'"
            return f"EXISTS (SELECT 1 FROM registration r WHERE r.member_id = m.id{filters})"
        if isinstance(x, c.BabyAgeMonths):
            today = self.now.date()
            youngest = today - relativedelta(months=x.at_least)  # born on or before: at least this old
            oldest = today - relativedelta(months=x.at_most + 1) + timedelta(days=1)  # not yet a month older
            return f"(m.baby_birth_date >= {p(oldest)} AND m.baby_birth_date <= {p(youngest)})"
        if isinstance(x, c.LivesIn):
            return f"m.city = {p(x.city)}"
        if isinstance(x, c.GenderIs):
            return f"m.gender = {p(x.gender.value)}"
        if isinstance(x, c.SpeaksLocale):
            return f"m.locale = {p(x.locale)}"
        if isinstance(x, c.WechatCredit):
            return (
                "EXISTS (SELECT 1 FROM subscribe_consent s WHERE s.member_id = m.id AND s.result = 'accept' "
                f"AND s.used_at IS NULL AND s.voided_at IS NULL AND s.template_id = {p(x.template_id)})"
            )
        if isinstance(x, c.LineFriend):
            return (
                "EXISTS (SELECT 1 FROM member_identity i WHERE i.member_id = m.id AND i.provider = 'line' "
                "AND (i.pushable IS NULL OR i.pushable))"
            )
        raise TypeError(f"no SQL for {type(x).__name__}")
