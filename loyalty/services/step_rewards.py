"""Campaign rewards for community-event steps (signing up, checking in, taking part), granted in the
transaction of the step. Events report steps here; each (campaign, step, beneficiary) is rewarded
once by a unique constraint, so a step reported twice (a retry, a sign-up after a cancellation)
earns nothing more."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from events.steps import EventStep
from loyalty.models import POINTS_VALID_DAYS, LoyaltyPolicy, StepReward
from loyalty.services import campaigns, points
from loyalty.triggers import Trigger
from referral.models import Member
from referral.services.attribution import guide_at
from referral.sql import Statement


async def reward(
    conn: BaseDBAsyncClient,
    *,
    brand_id: int,
    member_id: int,
    step: EventStep,
    key: str,
    now: datetime,
    guide_id: int | None = None,
) -> list[StepReward]:
    """Grant what the running campaigns for this step give, in the step's transaction (`conn`);
    `guide_id` is the guide credited with it (default: the one the member is bound to). Returns the
    rewards granted now. This is events' StepReached (events/steps.py), wired in server/wiring.py."""
    rules = await campaigns.running(brand_id=brand_id, now=now, conn=conn, trigger=Trigger.of_step(step))
    if not rules:
        return []
    member = await Member.filter(id=member_id).using_db(conn).get()
    if guide_id is None:
        bound = await guide_at(brand_id=brand_id, member_id=member_id, at=now)
        guide_id = bound[0] if bound else None
    claimant = campaigns.Claimant(id=member_id, referrer_id=member.referrer_id)
    receivers, guide_member_id = await campaigns.receivers(rules, member=claimant, guide_id=guide_id)
    # Read, not policies.get: creating the policy row here could fail the step's transaction.
    policy = await LoyaltyPolicy.filter(brand_id=brand_id).using_db(conn).get_or_none()
    valid_days = policy.points_valid_days if policy else POINTS_VALID_DAYS
    accounts = await points.lock(conn, brand_id=brand_id, member_ids=receivers)
    granted = []
    for rule in rules:
        receiver = campaigns.recipient(rule, claimant, guide_id, guide_member_id)
        if receiver is not None and (
            done := await grant_once(conn, brand_id, rule, accounts[receiver], key, now=now, valid_days=valid_days)
        ):
            granted.append(done)
    return granted


async def grant_once(
    conn: BaseDBAsyncClient,
    brand_id: int,
    rule: campaigns.Rule,
    account: points.Account,
    key: str,
    *,
    now: datetime,
    valid_days: int,
) -> StepReward | None:
    """Give `rule`'s reward for the step `key` to a locked account, unless it was given for that step
    before (None). The (campaign, step, beneficiary) slot is claimed first: only the first report
    goes on to pay."""
    q = Statement(conn)
    rows = await q.rows(
        "INSERT INTO step_reward (brand_id, campaign_id, step, beneficiary, member_id, points, granted_at) VALUES "
        f"({q.p(brand_id)}, {q.p(rule.id)}, {q.p(key[:64])}, {q.p(rule.beneficiary.value)}, {q.p(account.member_id)}, "
        f"{q.p(rule.points)}, {q.p(now)}) ON CONFLICT (campaign_id, step, beneficiary) DO NOTHING RETURNING id"
    )
    if not rows:
        return None
    entry, coupon, shortfall = await campaigns.give(conn, rule, account, now=now, valid_days=valid_days)
    await (
        StepReward.filter(id=rows[0]["id"])
        .using_db(conn)
        .update(
            coupon_id=coupon.id if coupon else None, shortfall=shortfall, points_entry_id=entry.id if entry else None
        )
    )
    return await StepReward.filter(id=rows[0]["id"]).using_db(conn).get()
