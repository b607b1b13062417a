from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from loyalty.models import EntryKind as KindValue, PointsEntry as EntryModel
from loyalty.services import points
from schema.columns import column
from schema.pagination import DEFAULT_PAGE, Connection, paginate

PointsEntryKind = strawberry.enum(KindValue)


@strawberry.type(description="One line of a member's points statement.")
class PointsEntry:
    row: strawberry.Private[EntryModel]

    kind = column(PointsEntryKind)

    points = column(int, description="Change to the balance (negative when points were taken).")

    debt_change = column(
        int, description="Points owed after a return the balance could not cover (positive adds to the debt)."
    )

    balance_after = column(int)

    created_at = column(datetime)

    expires_at = column(datetime | None, description="For earnings: when what is left of them expires.")

    note = column(str | None)


@strawberry.type(description="A member's points: balance, debt and statement.")
class Points:
    member_id: strawberry.Private[int]
    brand_id: strawberry.Private[int]
    balance: int
    debt: int = strawberry.field(description="Points owed after a return; repaid from the next earnings.")

    @strawberry.field(description="Points that expire within `days` days unless spent.")
    async def expiring(self, info: Info, days: int = 30) -> int:
        return await points.expiring(
            member_id=self.member_id, now=info.context.now(), within_days=max(0, min(days, 3650))
        )

    @strawberry.field(description="The statement, newest first.")
    async def ledger(self, first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[PointsEntry]:
        return await paginate(
            points.ledger(brand_id=self.brand_id, member_id=self.member_id),
            first=first,
            after=after,
            to_node=lambda row: PointsEntry(row=row),
            newest_first=True,
        )
