"""Whose figures an insight report counts: the brand's registered members, narrowed by the store they
registered in (a store manager's reports), the guide serving them now, and the channel they came by;
and which purchases: all, or those credited to a campaign. Written where it stands in the text:
SQLite binds its "?" by position."""

from __future__ import annotations

from dataclasses import dataclass

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import Campaign
from referral.errors import ReferralError, ReferralErrorCode
from referral.models import Channel, Guide, Store
from referral.sql import Statement


@dataclass(frozen=True)
class Members:
    store_id: int | None = None
    guide_id: int | None = None
    channel: Channel | None = None
    # Only purchases (and their returns) credited to this campaign count.
    campaign_id: int | None = None

    async def check(self, brand_id: int) -> None:
        """Refuse a store or guide the brand does not have (an empty report would look like an answer)."""
        if self.store_id is not None and not await Store.exists(id=self.store_id, brand_id=brand_id):
            raise ReferralError(ReferralErrorCode.STORE_NOT_FOUND, "No such store.", "store_id")
        if self.guide_id is not None and not await Guide.exists(id=self.guide_id, brand_id=brand_id):
            raise ReferralError(ReferralErrorCode.GUIDE_NOT_FOUND, "No such guide.", "guide_id")
        if self.campaign_id is not None and not await Campaign.exists(id=self.campaign_id, brand_id=brand_id):
            raise LoyaltyError(LoyaltyErrorCode.CAMPAIGN_NOT_FOUND, "No such campaign.", "campaign_id")

    def where(self, q: Statement, alias: str = "m") -> str:
        """` AND ...` on the member row `alias` (empty when nothing narrows)."""
        out = ""
        for column, value in (
            ("origin_store_id", self.store_id),
            ("guide_id", self.guide_id),
            ("channel", self.channel.value if self.channel else None),
        ):
            if value is not None:
                out += f" AND {alias}.{column} = {q.p(value)}"
        return out

    def of_touches(self, q: Statement) -> str:
        """` AND t.member_id IN (...)`: only the touches of these members (and credited purchases)."""
        narrowed = self.where(q, "n")
        members = (
            f" AND t.member_id IN (SELECT n.id FROM member n WHERE n.id IS NOT NULL{narrowed})" if narrowed else ""
        )
        return members + self.credited(q)

    def credited(self, q: Statement, alias: str = "t") -> str:
        """` AND t.campaign_id = ...` on a purchase touch `alias` (empty for every purchase)."""
        return f" AND {alias}.campaign_id = {q.p(self.campaign_id)}" if self.campaign_id is not None else ""


EVERYONE = Members()
