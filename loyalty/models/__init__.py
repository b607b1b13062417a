"""Loyalty models. Tortoise discovers every model imported here."""

from loyalty.models.campaigns import Beneficiary, Campaign, CampaignProgress, Reward, StepReward
from loyalty.models.codes import POINTS_VALID_DAYS, Claim, CodeBatch, LoyaltyPolicy, Rescan
from loyalty.models.coupons import Coupon, CouponHolding, CouponKind, CouponStatus, CouponTemplate
from loyalty.models.orders import ImportedOrder, OrderImport
from loyalty.models.points import EntryKind, PointsAccount, PointsEntry
from loyalty.models.store_purchases import StorePurchase
from loyalty.triggers import Trigger

__all__ = [
    "POINTS_VALID_DAYS",
    "Beneficiary",
    "Campaign",
    "CampaignProgress",
    "Claim",
    "CodeBatch",
    "Coupon",
    "CouponHolding",
    "CouponKind",
    "CouponStatus",
    "CouponTemplate",
    "EntryKind",
    "ImportedOrder",
    "LoyaltyPolicy",
    "OrderImport",
    "PointsAccount",
    "PointsEntry",
    "Rescan",
    "Reward",
    "StepReward",
    "StorePurchase",
    "Trigger",
]
