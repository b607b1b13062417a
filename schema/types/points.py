from __future__ import annotations

from datetime import datetime

import strawberry

from loyalty.models import EntryKind as KindValue, PointsEntry as EntryModel

PointsEntryKind = strawberry.enum(KindValue)


@strawberry.type(description="One line of a member's points statement.")
class PointsEntry:
    row: strawberry.Private[EntryModel]

    @strawberry.field
    def kind(self) -> PointsEntryKind:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.kind

    @strawberry.field(description="Change to the balance (negative when points were taken).")
    def points(self) -> int:
        return self.row.points

    @strawberry.field(description="Points owed after a return the balance could not cover (positive adds to the debt).")
    def debt_change(self) -> int:
        return self.row.debt_change

    @strawberry.field
    def balance_after(self) -> int:
        return self.row.balance_after

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="For earnings: when what is left of them expires.")
    def expires_at(self) -> datetime | None:
        return self.row.expires_at

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note
