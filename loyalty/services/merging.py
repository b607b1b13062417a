"""When one person turns out to be two members (WeChat and LINE, say), referral merges them and
calls this, inside its transaction, so the survivor keeps every claim, point, coupon and reward."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from loyalty.models import (
    CampaignProgress,
    Claim,
    Coupon,
    CouponHolding,
    ImportedOrder,
    PointsAccount,
    PointsEntry,
    Rescan,
    Reward,
    StepReward,
    StorePurchase,
)
from loyalty.services import points


async def move_member(conn: BaseDBAsyncClient, brand_id: int, absorbed_id: int, survivor_id: int) -> None:
    accounts = await points.lock(conn, brand_id=brand_id, member_ids=[absorbed_id, survivor_id])
    absorbed, survivor = accounts[absorbed_id], accounts[survivor_id]
    survivor.balance += absorbed.balance
    survivor.debt += absorbed.debt
    survivor.purchases += absorbed.purchases
    # Moving the lines with the sums keeps balance = ledger and debt = ledger for the survivor.
    await PointsEntry.filter(member_id=absorbed_id).using_db(conn).update(member_id=survivor_id)
    await points.save(conn, survivor)
    await PointsAccount.filter(id=absorbed.id).using_db(conn).delete()
    for model in (Claim, Rescan, Coupon, Reward, StepReward, StorePurchase, ImportedOrder):
        await model.filter(member_id=absorbed_id).using_db(conn).update(member_id=survivor_id)
    # Per-member counters: add the absorbed member's counts to the survivor's.
    counters: tuple[tuple[type[CouponHolding] | type[CampaignProgress], str], ...] = (
        (CouponHolding, "template_id"),
        (CampaignProgress, "campaign_id"),
    )
    for counter, key in counters:
        for row in await counter.filter(member_id=absorbed_id).using_db(conn):
            mine = await counter.filter(member_id=survivor_id, **{key: getattr(row, key)}).using_db(conn).get_or_none()
            if mine is None:
                await counter.filter(id=row.id).using_db(conn).update(member_id=survivor_id)
            else:
                await counter.filter(id=mine.id).using_db(conn).update(count=mine.count + row.count)
                await counter.filter(id=row.id).using_db(conn).delete()
