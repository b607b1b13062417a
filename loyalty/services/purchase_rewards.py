"""Campaign rewards for purchases at a till and imported orders (the PURCHASE trigger), granted in
the purchase's transaction, once per (campaign, purchase, beneficiary) by step_reward's unique
constraint. A purchase campaign's conditions: SKUs (any item of the purchase), first purchase, every
Nth, through a guide, invited by a member; its beneficiary: the member, their guide or their inviter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from loyalty.models import StepReward, Trigger
from loyalty.services import campaigns, points
from loyalty.services.step_rewards import grant_once
from referral.models import Member


@dataclass(frozen=True)
class Bought:
    key: str  # names the purchase once: "till:7", "order:9"
    member_id: int
    skus: frozenset[str]
    purchases_before: int  # the member's purchases before this one (0: this is their first)
    guide_id: int | None  # the guide the purchase is credited to


async def running(conn: BaseDBAsyncClient, *, brand_id: int, now: datetime) -> list[campaigns.Rule]:
    return await campaigns.running(brand_id=brand_id, now=now, conn=conn, trigger=Trigger.PURCHASE)


async def reward(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    rules: list[campaigns.Rule],
    bought: Bought,
    now: datetime,
    valid_days: int,
) -> list[StepReward]:
    """Grant what the running purchase campaigns (`rules`) give for `bought`; returns the rewards."""
    # What the purchase itself decides first, without a query: most purchases are no one's first.
    rules = [
        rule
        for rule in rules
        if (not rule.skus or bought.skus.intersection(rule.skus))
        and (not rule.first_purchase or bought.purchases_before == 0)
    ]
    if not rules:
        return []
    referrer = await Member.filter(id=bought.member_id).using_db(conn).values_list("referrer_id", flat=True)
    claimant = campaigns.Claimant(id=bought.member_id, referrer_id=referrer[0] if referrer else None)  # type: ignore[arg-type]
    receivers, guide_member_id = await campaigns.receivers(rules, member=claimant, guide_id=bought.guide_id)
    accounts = await points.lock(conn, brand_id=brand_id, member_ids=receivers)
    granted = []
    for rule in rules:
        receiver = campaigns.recipient(rule, claimant, bought.guide_id, guide_member_id)
        if receiver is None:
            continue
        if rule.every_nth and await campaigns.progress(conn, rule.id, bought.member_id) % rule.every_nth:
            continue
        done = await grant_once(conn, brand_id, rule, accounts[receiver], bought.key, now=now, valid_days=valid_days)
        if done is not None:
            granted.append(done)
    return granted


def credited(granted: list[StepReward]) -> int | None:
    """The campaign a rewarded purchase is credited to in reports: the oldest rule that rewarded it,
    as for a claim."""
    return min((g.campaign_id for g in granted), default=None)
