from __future__ import annotations

from datetime import datetime

import strawberry

from loyalty.models import EntryKind as KindValue, PointsEntry as EntryModel
from schema.columns import column

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
