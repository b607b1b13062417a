"""Campaign rules: HQ writes them as data; each claim is checked against the brand's running campaigns
inside the claim's own transaction, so a claim and its rewards commit or roll back together.

"First purchase through a guide gets a gift coupon" is {first_purchase, via_guide, coupon} for the
member; "your friend's first purchase earns you points" is {first_purchase, invited_by_member,
points} for the inviter. Every rule fires at most once per claim and beneficiary (unique constraint);
"first" and "every Nth" read counters incremented under the account's row lock, so two racing claims
never both count as the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import (
    Beneficiary,
    Campaign,
    Claim,
    CodeBatch,
    Coupon,
    CouponTemplate,
    Reward,
    Trigger,
)
from loyalty.services import coupons, points
from referral.models import Guide
from referral.sql import Statement

MAX_SKUS = 50


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    starts_at: datetime
    ends_at: datetime
    beneficiary: Beneficiary = Beneficiary.MEMBER
    points: int = 0
    coupon_template_id: int | None = None
    skus: tuple[str, ...] = ()
    first_purchase: bool = False
    every_nth: int | None = None
    via_guide: bool = False
    invited_by_member: bool = False
    region: str | None = None
    trigger: Trigger = Trigger.CLAIM


def listing(*, brand_id: int) -> QuerySet[Campaign]:
    return Campaign.filter(brand_id=brand_id)


async def create(*, brand_id: int, spec: CampaignSpec) -> Campaign:
    """Raises CAMPAIGN_INVALID naming the field, or TEMPLATE_NOT_FOUND."""
    name = spec.name.strip()
    skus = sorted({s.strip() for s in spec.skus if s.strip()})
    region = (spec.region or "").strip() or None
    checks = [
        (1 <= len(name) <= 80, "name", "A name of 1-80 characters."),
        (spec.ends_at > spec.starts_at, "ends_at", "The campaign must end after it starts."),
        (0 <= spec.points <= 1_000_000, "points", "Points must be 0 to 1,000,000."),
        (spec.points > 0 or spec.coupon_template_id is not None, "points", "Give points, a coupon or both."),
        (spec.every_nth is None or 2 <= spec.every_nth <= 1000, "every_nth", "Every Nth: N from 2 to 1000."),
        (len(skus) <= MAX_SKUS and all(len(s) <= 40 for s in skus), "skus", f"Up to {MAX_SKUS} SKUs of 40 characters."),
        (region is None or len(region) <= 64, "region", "A region of up to 64 characters."),
        (not (spec.first_purchase and spec.every_nth), "every_nth", "Choose first purchase or every Nth, not both."),
        # An event step has no SKU, purchase count or place: only who the member is matters. A
        # purchase at a till has SKUs and a count, not the city a scan reports.
        (
            spec.trigger in (Trigger.CLAIM, Trigger.PURCHASE)
            or not (skus or spec.first_purchase or spec.every_nth or region),
            "trigger",
            "Event-step campaigns take only the guide and inviter conditions.",
        ),
        (spec.trigger is not Trigger.PURCHASE or region is None, "region", "Purchase campaigns have no region."),
    ]
    for ok, field, message in checks:
        if not ok:
            raise LoyaltyError(Code.CAMPAIGN_INVALID, message, field)
    if spec.coupon_template_id is not None and not await CouponTemplate.exists(
        id=spec.coupon_template_id, brand_id=brand_id
    ):
        raise LoyaltyError(Code.TEMPLATE_NOT_FOUND, "No such coupon template.", "coupon_template_id")
    return await Campaign.create(
        brand_id=brand_id,
        name=name,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        skus=skus,
        first_purchase=spec.first_purchase,
        every_nth=spec.every_nth,
        via_guide=spec.via_guide,
        invited_by_member=spec.invited_by_member,
        region=region,
        beneficiary=spec.beneficiary,
        points=spec.points,
        coupon_template_id=spec.coupon_template_id,
        trigger=spec.trigger,
    )


async def get(*, brand_id: int, campaign_id: int) -> Campaign:
    """Raises CAMPAIGN_NOT_FOUND."""
    campaign = await Campaign.get_or_none(id=campaign_id, brand_id=brand_id)
    if campaign is None:
        raise LoyaltyError(Code.CAMPAIGN_NOT_FOUND, "No such campaign.", "campaign_id")
    return campaign


async def stop(*, brand_id: int, campaign_id: int, now: datetime) -> Campaign:
    """Stop a campaign now; claims from then on no longer trigger it. Raises CAMPAIGN_NOT_FOUND."""
    await Campaign.filter(id=campaign_id, brand_id=brand_id, stopped_at__isnull=True).update(stopped_at=now)
    try:
        return await get(brand_id=brand_id, campaign_id=campaign_id)
    except LoyaltyError as exc:
        raise LoyaltyError(exc.code, exc.message, "id") from None


@dataclass(frozen=True)
class Rule:
    """A running campaign as the claim path reads it (a plain record: building ORM models for every
    claim cost more CPU than the query)."""

    id: int
    name: str
    skus: tuple[str, ...]
    first_purchase: bool
    every_nth: int | None
    via_guide: bool
    invited_by_member: bool
    region: str | None
    beneficiary: Beneficiary
    points: int
    coupon_template_id: int | None


@dataclass(frozen=True)
class Claimant:
    id: int
    referrer_id: int | None


_RULE_COLUMNS = (
    "id",
    "name",
    "skus",
    "first_purchase",
    "every_nth",
    "via_guide",
    "invited_by_member",
    "region",
    "beneficiary",
    "points",
    "coupon_template_id",
)


async def running(
    *, brand_id: int, now: datetime, conn: BaseDBAsyncClient | None = None, trigger: Trigger = Trigger.CLAIM
) -> list[Rule]:
    """The brand's campaigns for `trigger` running at `now` (raw SQL: every step that may reward asks)."""
    q = Statement(conn)
    rows = await q.rows(
        f"SELECT {rule_columns('c')} FROM (SELECT 1 AS one) AS x {running_join(q, 'c', brand_id, now, trigger)}"
    )
    return rules_from(rows, "c")


def rule_columns(alias: str) -> str:
    """The columns rules_from() reads, prefixed with the alias so they can sit beside other columns."""
    return ", ".join(f"{alias}.{column} AS {alias}_{column}" for column in _RULE_COLUMNS)


def running_join(q: Statement, alias: str, brand_id: int, now: datetime, trigger: Trigger = Trigger.CLAIM) -> str:
    """Which campaigns run, as a LEFT JOIN: one row per running campaign, or one row of NULLs. A claim
    reads its rules in the statement that reads its batch, saving a round trip. Place the returned
    text where it is called: its parameters are taken in order."""
    return (
        f"LEFT JOIN campaign {alias} ON {alias}.brand_id = {q.p(brand_id)} AND {alias}.starts_at <= {q.p(now)} "
        f"AND {alias}.ends_at > {q.p(now)} AND {alias}.stopped_at IS NULL AND {alias}.trigger = {q.p(trigger.value)}"
    )


def rules_from(rows: list[dict[str, Any]], alias: str) -> list[Rule]:
    """The rules in rows joined with running_join(), in campaign id order (None ids: no campaign runs)."""
    rules = []
    for row in sorted((r for r in rows if r[f"{alias}_id"] is not None), key=lambda r: r[f"{alias}_id"]):
        values = {column: row[f"{alias}_{column}"] for column in _RULE_COLUMNS}
        skus = values["skus"]
        rules.append(
            Rule(
                **{
                    **values,
                    "skus": tuple(json.loads(skus) if isinstance(skus, str) else skus),
                    "first_purchase": bool(values["first_purchase"]),
                    "via_guide": bool(values["via_guide"]),
                    "invited_by_member": bool(values["invited_by_member"]),
                    "beneficiary": Beneficiary(values["beneficiary"]),
                }
            )
        )
    return rules


def beneficiary_kinds(campaigns: list[Rule]) -> set[Beneficiary]:
    return {c.beneficiary for c in campaigns}


@dataclass(frozen=True)
class Granted:
    """A reward as the mini-program shows it: which campaign, how many points, which coupon."""

    reward: Reward
    campaign_name: str
    coupon: Coupon | None

    @classmethod
    async def of_claim(cls, claim_id: int, member_id: int) -> list[Granted]:
        rows = (
            await Reward.filter(claim_id=claim_id, member_id=member_id)
            .select_related("campaign", "coupon")
            .order_by("id")
        )
        return [cls(reward=r, campaign_name=r.campaign.name, coupon=r.coupon) for r in rows]


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules look at, known once the claim row is written."""

    claim: Claim
    batch: CodeBatch
    member: Claimant
    purchase_number: int  # 1 for the member's first claim ever
    guide_member_id: int | None  # the bound guide's own member record, who receives GUIDE rewards


def credited(granted: list[Granted]) -> int | None:
    """The campaign a rewarded purchase is credited to in reports: the oldest rule that rewarded it
    (one purchase counts once, so when several rules fire, the first one created takes the credit)."""
    return min((g.reward.campaign_id for g in granted), default=None)


async def apply(
    conn: BaseDBAsyncClient,
    campaigns: list[Rule],
    facts: ClaimFacts,
    accounts: dict[int, points.Account],
    *,
    now: datetime,
    valid_days: int,
) -> list[Granted]:
    """Grant what each matching campaign gives; `accounts` holds every possible beneficiary's locked account."""
    granted = []
    for campaign in campaigns:
        if not _matches(campaign, facts):
            continue
        receiver = receiver_of(campaign.beneficiary, facts.member, facts.guide_member_id)
        if receiver is None:
            continue
        if campaign.every_nth and await progress(conn, campaign.id, facts.member.id) % campaign.every_nth:
            continue
        granted.append(await _grant(conn, campaign, facts, accounts[receiver], now=now, valid_days=valid_days))
    return granted


def _matches(c: Rule, f: ClaimFacts) -> bool:
    return _meets(c, f.batch.sku, f.claim.city, f.member, f.claim.guide_id, first=f.purchase_number == 1)


def candidates(
    rules: list[Rule], *, sku: str, city: str | None, member: Claimant, guide_id: int | None, purchases_before: int
) -> list[Rule]:
    """The rules a claim may meet, read before its account is locked: every condition is known but
    whether it is the member's first purchase, which the count read then can only rule out (counts
    only grow). Only their beneficiaries' accounts need locking; apply() decides on the locked count."""
    return [c for c in rules if _meets(c, sku, city, member, guide_id, first=purchases_before == 0)]


def _meets(c: Rule, sku: str, city: str | None, member: Claimant, guide_id: int | None, *, first: bool) -> bool:
    return (
        (not c.skus or sku in c.skus)
        and (not c.first_purchase or first)
        and _matches_people(c, member, guide_id)
        and (c.region is None or (city or "").casefold() == c.region.casefold())
    )


def _matches_people(c: Rule, member: Claimant, guide_id: int | None) -> bool:
    """The rule's conditions on people, the same for a claim and an event step."""
    return (not c.via_guide or guide_id is not None) and (not c.invited_by_member or member.referrer_id is not None)


def recipient(rule: Rule, member: Claimant, guide_id: int | None, guide_member_id: int | None) -> int | None:
    """Who gets the rule's reward for what `member` did, `guide_id` credited: None when the rule's
    conditions on people fail or its beneficiary does not exist here. (A claim checks the rest of
    the rule too: see apply.)"""
    if not _matches_people(rule, member, guide_id):
        return None
    return receiver_of(rule.beneficiary, member, guide_member_id)


def receiver_of(beneficiary: Beneficiary, member: Claimant, guide_member_id: int | None) -> int | None:
    """The member a campaign's reward goes to (None: that beneficiary does not exist here)."""
    if beneficiary is Beneficiary.MEMBER:
        return member.id
    if beneficiary is Beneficiary.GUIDE:
        return guide_member_id
    return member.referrer_id


async def receivers(campaigns: list[Rule], *, member: Claimant, guide_id: int | None) -> tuple[set[int], int | None]:
    """Every member who might be rewarded for this claim (to lock their accounts up front, in order),
    and the bound guide's member id."""
    kinds = beneficiary_kinds(campaigns)
    guide_member_id = None
    if Beneficiary.GUIDE in kinds and guide_id is not None:
        guide = await Guide.get_or_none(id=guide_id)
        guide_member_id = guide.member_id if guide else None
    ids = {member.id}
    if guide_member_id is not None:
        ids.add(guide_member_id)
    if Beneficiary.INVITER in kinds and member.referrer_id is not None:
        ids.add(member.referrer_id)
    return ids, guide_member_id


async def progress(conn: BaseDBAsyncClient, campaign_id: int, member_id: int) -> int:
    """Count one more matching purchase and return the new count (an atomic increment: racing claims
    each get their own number)."""
    q = Statement(conn)
    rows = await q.rows(
        f"INSERT INTO campaign_progress (campaign_id, member_id, count) "
        f"VALUES ({q.p(campaign_id)}, {q.p(member_id)}, 1) "
        "ON CONFLICT (campaign_id, member_id) DO UPDATE SET count = campaign_progress.count + 1 RETURNING count"
    )
    return int(rows[0]["count"])


async def _grant(
    conn: BaseDBAsyncClient, campaign: Rule, f: ClaimFacts, account: points.Account, *, now: datetime, valid_days: int
) -> Granted:
    entry, coupon, shortfall = await give(conn, campaign, account, now=now, valid_days=valid_days, claim_id=f.claim.id)
    reward = await Reward.create(
        brand_id=f.claim.brand_id,
        campaign_id=campaign.id,
        claim_id=f.claim.id,
        beneficiary=campaign.beneficiary,
        member_id=account.member_id,
        points=campaign.points,
        points_entry_id=entry.id if entry else None,
        coupon_id=coupon.id if coupon else None,
        shortfall=shortfall,
        granted_at=now,
        using_db=conn,
    )
    return Granted(reward=reward, campaign_name=campaign.name, coupon=coupon)


async def give(
    conn: BaseDBAsyncClient,
    campaign: Rule,
    account: points.Account,
    *,
    now: datetime,
    valid_days: int,
    claim_id: int | None = None,
) -> tuple[points.Line | None, Coupon | None, str | None]:
    """Credit a campaign's points and issue its coupon to a locked account; returns the ledger line,
    the coupon, and why a promised coupon was not given."""
    entry = None
    if campaign.points:
        entry = await points.earn(
            conn,
            account,
            campaign.points,
            now=now,
            valid_days=valid_days,
            claim_id=claim_id,
            note=campaign.name,
            campaign_id=campaign.id,
        )
    coupon, shortfall = None, None
    if campaign.coupon_template_id is not None:
        template = await CouponTemplate.filter(id=campaign.coupon_template_id).using_db(conn).get()
        try:
            # A savepoint: a template that ran out costs the member the coupon, not what triggered it.
            async with in_transaction() as savepoint:
                coupon = await coupons.issue_within(
                    savepoint, template, member_id=account.member_id, now=now, campaign_id=campaign.id
                )
        except LoyaltyError as exc:
            shortfall = exc.code.value
    return entry, coupon, shortfall
