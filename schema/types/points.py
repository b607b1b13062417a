from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalty.models import EntryKind as KindValue, PointsEntry as EntryModel
from loyalty.services import points
from schema.arguments import After, First
from schema.columns import column
from schema.enums import client_enum
from schema.pagination import DEFAULT_PAGE, Connection, paginate

PointsEntryKind = client_enum(
    KindValue,
    "Why a member's points changed.",
    {
        KindValue.EARN: "Earned by a claim or a campaign.",
        KindValue.SPEND: "Spent in the points shop.",
        KindValue.EXPIRE: "Expired unused.",
        KindValue.ADJUST: "Corrected (for example a debt from a reversal repaid).",
        KindValue.REVERSE: "Taken back when the claim that earned them was reversed.",
        KindValue.REFUND: "Given back when a coupon bought with points was cancelled.",
    },
    name="EntryKind",
)


@strawberry.type(description="One line of a member's points statement.")
class PointsEntry:
    row: strawberry.Private[EntryModel]

    kind = column(PointsEntryKind, description="Why the balance changed.")

    points = column(int, description="Change to the balance (negative when points were taken).")

    debt_change = column(
        int, description="Points owed after a return the balance could not cover (positive adds to the debt)."
    )

    balance_after = column(int, description="The balance after this line.")

    created_at = column(datetime, description="When it happened.")

    expires_at = column(datetime | None, description="For earnings: when what is left of them expires.")

    note = column(str | None, description="A note from HQ or the system, if any.")


@strawberry.type(description="A member's points: balance, debt and statement.")
class Points:
    member_id: strawberry.Private[int]
    brand_id: strawberry.Private[int]
    balance: int = strawberry.field(description="Points the member can spend now.")
    debt: int = strawberry.field(description="Points owed after a return; repaid from the next earnings.")

    @strawberry.field(description="Points that expire within `days` days unless spent.")
    async def expiring(
        self, info: Info, days: Annotated[int, strawberry.argument(description="The window, in days.")] = 30
    ) -> int:
        return await points.expiring(
            member_id=self.member_id, now=info.context.now(), within_days=max(0, min(days, 3650))
        )

    @strawberry.field(description="The statement, newest first.")
    async def ledger(self, first: First = DEFAULT_PAGE, after: After = None) -> Connection[PointsEntry]:
        return await paginate(
            points.ledger(brand_id=self.brand_id, member_id=self.member_id),
            first=first,
            after=after,
            to_node=lambda row: PointsEntry(row=row),
            newest_first=True,
        )
