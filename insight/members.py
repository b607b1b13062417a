"""Whose figures an insight report counts: the brand's registered members, narrowed by the store they
registered in (a store manager's reports), the guide serving them now, and the channel they came by.
Written where it stands in the text: SQLite binds its "?" by position."""

from __future__ import annotations

from dataclasses import dataclass

from referral.errors import ReferralError, ReferralErrorCode
from referral.models import Channel, Guide, Store
from referral.sql import Statement


@dataclass(frozen=True)
class Members:
    store_id: int | None = None
    guide_id: int | None = None
    channel: Channel | None = None

    async def check(self, brand_id: int) -> None:
        """Refuse a store or guide the brand does not have (an empty report would look like an answer)."""
        if self.store_id is not None and not await Store.exists(id=self.store_id, brand_id=brand_id):
            raise ReferralError(ReferralErrorCode.STORE_NOT_FOUND, "No such store.", "store_id")
        if self.guide_id is not None and not await Guide.exists(id=self.guide_id, brand_id=brand_id):
            raise ReferralError(ReferralErrorCode.GUIDE_NOT_FOUND, "No such guide.", "guide_id")

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
        """` AND t.member_id IN (...)`: only the touches of these members."""
        narrowed = self.where(q, "n")
        return f" AND t.member_id IN (SELECT n.id FROM member n WHERE n.id IS NOT NULL{narrowed})" if narrowed else ""


EVERYONE = Members()
