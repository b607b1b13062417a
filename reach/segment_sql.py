"""A segment's conditions as one SQL WHERE clause over `member m`, the same on SQLite and PostgreSQL:
every relative time is turned into an instant or a date here and passed as a parameter, so no
engine's date arithmetic is needed, and every related table is reached by `m.id IN (subquery)`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from reach import conditions as c
from referral.services.profiles import Stage, value_sql
from referral.sql import Statement


def where(condition: c.Condition, q: Statement, *, brand_id: int, now: datetime) -> str:
    return _Compiler(q, brand_id, now).sql(condition)


class _Compiler:
    """Each condition on another table is `m.id IN (an uncorrelated subquery)`: PostgreSQL plans it as
    a semi-join under AND and a hashed subplan under OR or NOT (a correlated EXISTS under OR ran once
    per member: 4-7x slower in bench/reach), and SQLite runs it the same way."""

    def __init__(self, q: Statement, brand_id: int, now: datetime) -> None:
        self.q = q
        self.brand_id = brand_id
        self.now = now

    def p(self, value: object) -> str:
        return self.q.p(value)

    def stage(self, stage: Stage) -> str:
        """The stage as profiles.STAGE_SQL decides it, in uncorrelated subqueries: an advocate brought
        a registered friend; otherwise purchases (claims less reversals) decide."""
        brand = int(self.brand_id)
        advocate = (
            f"m.id IN (SELECT referrer_id FROM member WHERE brand_id = {brand} AND referrer_id IS NOT NULL "
            "AND registered_at IS NOT NULL)"
        )
        net = "SUM(CASE WHEN kind = 'purchase' THEN 1 WHEN kind = 'purchase_reversed' THEN -1 ELSE 0 END)"

        def bought(having: str) -> str:
            return f"m.id IN (SELECT member_id FROM touch WHERE brand_id = {brand} GROUP BY member_id HAVING {having})"

        if stage is Stage.ADVOCATE:
            return advocate
        if stage is Stage.AWARE:
            return "m.registered_at IS NULL"
        by_purchases = {
            Stage.REPEAT: bought(f"{net} >= 2"),
            Stage.PURCHASED: bought(f"{net} = 1"),
            Stage.REGISTERED: f"NOT {bought(f'{net} >= 1')}",
        }
        return f"(NOT {advocate} AND {by_purchases[stage]})"

    def table(self, x: c.Condition) -> Callable[[], tuple[str, str, str]] | None:  # noqa: C901 - one per kind
        """For a condition on another table: what renders its (table, where, tail), taking its
        parameters when called; None for a condition on the member row."""
        p = self.p
        if isinstance(x, c.HasTag):
            return lambda: ("member_tag", f"x.tag_id = {p(x.tag_id)}", "")
        if isinstance(x, c.Bought):

            def bought() -> tuple[str, str, str]:
                stands = "x.reversed_at IS NULL"
                if x.sku is not None:
                    stands += f" AND x.batch_id IN (SELECT b.id FROM code_batch b WHERE b.sku = {p(x.sku)})"
                if x.within_days is not None:
                    stands += f" AND x.claimed_at >= {p(self.now - timedelta(days=x.within_days))}"
                if x.at_least <= 1:
                    return "claim", stands, ""
                return "claim", stands, f" GROUP BY x.member_id HAVING COUNT(*) >= {p(x.at_least)}"

            return bought
        if isinstance(x, c.NoPurchaseFor):
            return lambda: (
                "claim",
                "x.reversed_at IS NULL",
                f" GROUP BY x.member_id HAVING MAX(x.claimed_at) < {p(self.now - timedelta(days=x.days))}",
            )
        if isinstance(x, c.PointsAtLeast):
            return lambda: ("points_account", f"x.balance >= {p(x.points)}", "")
        if isinstance(x, c.HoldsCoupon):

            def held() -> tuple[str, str, str]:
                where = f"x.status = 'issued' AND x.expires_at > {p(self.now)}"
                if x.template_id is not None:
                    where += f" AND x.template_id = {p(x.template_id)}"
                if x.expiring_within_days is not None:
                    where += f" AND x.expires_at <= {p(self.now + timedelta(days=x.expiring_within_days))}"
                return "coupon", where, ""

            return held
        if isinstance(x, c.AtEvent):

            def went() -> tuple[str, str, str]:
                if x.missed:
                    where = "x.status = 'confirmed' AND x.checked_in_at IS NULL AND "
                    where += f"x.event_id IN (SELECT id FROM event WHERE ends_at < {p(self.now)})"
                else:
                    where = "x.checked_in_at IS NOT NULL" if x.attended else "x.status <> 'cancelled'"
                if x.event_id is not None:
                    where += f" AND x.event_id = {p(x.event_id)}"
                return "registration", where, ""

            return went
        if isinstance(x, c.WechatCredit):
            unused = "x.result = 'accept' AND x.used_at IS NULL AND x.voided_at IS NULL"
            return lambda: ("subscribe_consent", f"{unused} AND x.template_id = {p(x.template_id)}", "")
        if isinstance(x, c.LineFriend):
            return lambda: ("member_identity", "x.provider = 'line' AND (x.pushable IS NULL OR x.pushable)", "")
        return None

    def within(self, tables: list[Callable[[], tuple[str, str, str]]]) -> str:
        """Members with a row in each of several tables, as one chain of nested subqueries: the
        planner then starts from the rows that match (hand-written SQL joins them first; two
        uncorrelated IN (...) side by side made it scan every member: 5x slower in bench/reach).
        Inner ones are rendered first, as their parameters stand first in the text."""
        inner = ""
        for render in reversed(tables):
            table, where, tail = render()
            restrict = f"x.member_id IN {inner} AND " if inner else ""
            brand = int(self.brand_id)
            inner = f"(SELECT x.member_id FROM {table} x WHERE x.brand_id = {brand} AND {restrict}{where}{tail})"
        return f"m.id IN {inner}"

    def value(self, x: c.ValueBetween) -> str:
        """Members without any part of the score have 0 and no row in value_sql: when 0 is in the
        range, select everyone but those with a row outside it."""
        bounds = []
        if x.at_least is not None:
            bounds.append(f"v.points >= {self.p(x.at_least * 1000)}")
        if x.at_most is not None:
            bounds.append(f"v.points <= {self.p(x.at_most * 1000)}")
        inside = " AND ".join(bounds)
        values = value_sql(self.brand_id, x.score)
        if not x.at_least:
            return f"m.id NOT IN (SELECT v.member_id FROM ({values}) v WHERE NOT ({inside}))"
        return f"m.id IN (SELECT v.member_id FROM ({values}) v WHERE {inside})"

    def sql(self, x: c.Condition) -> str:  # noqa: C901 - one branch per kind of condition
        p = self.p
        if (render := self.table(x)) is not None:
            return self.within([render])
        if isinstance(x, c.AllOf):
            tables = [t for t in map(self.table, x.parts) if t is not None]
            rest = [part for part in x.parts if self.table(part) is None]
            return (
                "(" + " AND ".join(([self.within(tables)] if tables else []) + [self.sql(part) for part in rest]) + ")"
            )
        if isinstance(x, c.AnyOf):
            return "(" + " OR ".join(self.sql(part) for part in x.parts) + ")"
        if isinstance(x, c.NotThis):
            # SQL's NOT of an unknown is unknown: "not in Beijing" must keep members with no city.
            return f"(NOT COALESCE({self.sql(x.part)}, FALSE))"
        if isinstance(x, c.CameBy):
            return f"m.channel = {p(x.channel.value)}"
        if isinstance(x, c.InStore):
            return f"m.guide_id IN (SELECT g.id FROM guide g WHERE g.store_id = {p(x.store_id)})"
        if isinstance(x, c.ServedBy):
            return f"m.guide_id = {p(x.guide_id)}"
        if isinstance(x, c.RegisteredBetween):
            return f"(m.registered_at >= {p(x.start)} AND m.registered_at < {p(x.end)})"
        if isinstance(x, c.AtStage):
            return self.stage(x.stage)
        if isinstance(x, c.ValueBetween):
            return self.value(x)
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
        if isinstance(x, c.MarketingConsent):
            return "m.marketing_consent_at IS NOT NULL"
        raise TypeError(f"no SQL for {type(x).__name__}")
