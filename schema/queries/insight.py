"""Insight queries: demographics (cohorts and repurchase follow)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation.tenancy import regional
from insight import demographics as people
from referral.errors import ReferralError, ReferralErrorCode
from schema import ids
from schema.permissions import IsStoreStaff, require_caller, store_scope
from schema.types.insight import DemographicGroup, Trait


@strawberry.type
class InsightReportQueries:
    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="Registered members grouped by one trait, with how many bought and their revenue, largest "
        "group first (members versus customers). A store manager sees the members who registered in their store.",
    )
    async def demographics(
        self,
        info: Info,
        by: Annotated[Trait, strawberry.argument(description="The trait to group by.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        store_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only members who registered in this store.")
        ] = None,
    ) -> list[DemographicGroup] | None:
        caller = require_caller(info)
        scope = store_scope(caller)
        store = ids.decode(store_id, "Store", field="storeId") if store_id else None
        if scope is not None and store not in (None, scope):
            raise ReferralError(ReferralErrorCode.STORE_NOT_FOUND, "You see your own store's members only.", "storeId")
        brand = await info.context.loaders.brand.load(caller.brand_id)
        today = info.context.now().astimezone(regional.of(brand).zone).date()
        rows = await people.demographics(
            brand_id=caller.brand_id, by=people.Trait(by.value), today=today, store_id=scope or store
        )
        return [DemographicGroup.of(row) for row in rows]
