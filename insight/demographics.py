"""Members by one trait (gender, age band, city, the baby's age band, locale), each with how many
bought (purchases net of returns, ever) and their revenue: members versus customers. One statement
per report; bands are cut at dates computed here, so both engines compare plain dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]  # no stubs installed

from insight import snapshot
from insight.members import EVERYONE, Members
from referral.models import TouchKind
from referral.sql import Statement


class Trait(StrEnum):
    GENDER = "gender"
    AGE_BAND = "age_band"
    CITY = "city"
    BABY_AGE_BAND = "baby_age_band"
    LOCALE = "locale"


# (band, youngest age in years): a parent's age from their birthday.
AGE_BANDS = (("under_25", 0), ("25_29", 25), ("30_34", 30), ("35_39", 35), ("40_plus", 40))
# (band, youngest age in months): the life stage a formula brand sells by; "expecting" has a due date only.
BABY_BANDS = (("0_5_months", 0), ("6_11_months", 6), ("12_23_months", 12), ("24_35_months", 24), ("36_plus_months", 36))
EXPECTING = "expecting"


@dataclass(frozen=True)
class Row:
    key: str | None  # None: not known (not given)
    members: int
    buyers: int
    revenue_cents: int
    as_of: datetime | None = None  # the purchases' snapshot (insight.snapshot); None: read live


def _bands(column: str, bands: tuple[tuple[str, int], ...], step: str, today: date, q: Statement) -> str:
    """CASE cutting `column` (a date of birth) into bands by age: older bands first."""
    cases = []
    for band, years in reversed(bands):
        born_by = today - relativedelta(**{step: years})  # at least this old: born on or before
        cases.append(f"WHEN {column} <= {q.p(born_by)} THEN '{band}'")
    return f"CASE WHEN {column} IS NULL THEN NULL {' '.join(cases)} END"


def _key(by: Trait, today: date, q: Statement) -> str:
    if by is Trait.AGE_BAND:
        return _bands("m.birthday", AGE_BANDS, "years", today, q)
    if by is Trait.BABY_AGE_BAND:
        born = _bands("m.baby_birth_date", BABY_BANDS, "months", today, q)
        # A birth date in the future is a data error: no band rather than a wrong one.
        return f"CASE WHEN m.baby_birth_date IS NULL AND m.baby_due_date IS NOT NULL THEN '{EXPECTING}' ELSE {born} END"
    return f"m.{by.value}"


async def demographics(*, brand_id: int, by: Trait, today: date, members: Members = EVERYONE) -> list[Row]:
    """Registered `members` by `by`, largest group first; `today` in the brand's time zone (ages
    change at local midnight)."""
    q = Statement()
    key = _key(by, today, q)
    bought = f"('{TouchKind.PURCHASE.value}', '{TouchKind.PURCHASE_REVERSED.value}')"
    taken = await snapshot.current(brand_id, members)
    spent = (
        "SELECT p.member_id, p.total_net AS n, p.total_cents AS revenue FROM insight_member_purchases p "
        f"WHERE p.brand_id = {q.p(brand_id)}"
        if taken
        else f"SELECT t.member_id, SUM(CASE WHEN t.kind = '{TouchKind.PURCHASE.value}' THEN 1 ELSE -1 END) AS n, "
        f"SUM(t.amount_cents) AS revenue FROM touch t WHERE t.brand_id = {q.p(brand_id)} AND t.kind IN {bought}"
        f"{members.credited(q)} GROUP BY t.member_id"
    )
    where = f"m.brand_id = {q.p(brand_id)} AND m.registered_at IS NOT NULL AND m.deleted_at IS NULL{members.where(q)}"
    run = (lambda sql: snapshot.rows(q, sql)) if taken else q.rows
    rows = await run(
        f"SELECT {key} AS key, COUNT(*) AS members, SUM(CASE WHEN p.n > 0 THEN 1 ELSE 0 END) AS buyers, "
        f"SUM(CASE WHEN p.n > 0 THEN p.revenue ELSE 0 END) AS revenue FROM member m LEFT JOIN ({spent}) p "
        f"ON p.member_id = m.id WHERE {where} GROUP BY 1"
    )
    found = [
        Row(
            key=None if r["key"] is None else str(r["key"]),
            members=int(r["members"]),
            buyers=int(r["buyers"] or 0),
            revenue_cents=int(r["revenue"] or 0),
            as_of=taken.refreshed_at if taken else None,
        )
        for r in rows
    ]
    # Largest group first; "not known" after the known of the same size, on both engines.
    return sorted(found, key=lambda row: (-row.members, row.key is None, row.key or ""))
