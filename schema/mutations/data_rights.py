from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import data_rights
from schema.errors import SchemaError, SchemaErrorCode, mutation_payload
from schema.mutations.tags import DonePayload
from schema.permissions import IsConsumer, require_caller


@strawberry.type
class DataRightsMutations:
    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Erase your account: personal data and sign-in are removed; anonymous counts stay.",
    )
    @mutation_payload
    async def delete_my_account(
        self,
        info: Info,
        confirm: Annotated[bool, strawberry.argument(description="Must be true: the account cannot be restored.")],
    ) -> DonePayload | None:
        if not confirm:
            raise SchemaError(SchemaErrorCode.CONFIRMATION_REQUIRED, "Confirm to erase your account.", "confirm")
        caller = require_caller(info)
        await data_rights.erase(
            brand_id=caller.brand_id,
            member_id=caller.member_id,
            now=info.context.now(),
            member_data=info.context.member_data,
        )
        return DonePayload(ok=True)
