from __future__ import annotations

import strawberry
from strawberry.types import Info

from referral.services import tags
from schema import ids
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.tag import Tag


@strawberry.type(description="A tag as a mutation left it, or why it was refused.")
class TagPayload:
    tag: Tag | None = strawberry.field(default=None, description="The tag; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="Whether a mutation that returns nothing else succeeded.")
class DonePayload:
    ok: bool = strawberry.field(default=False, description="True when it was done.")
    errors: list[UserError] = refusals()


@strawberry.type
class TagMutations:
    @strawberry.mutation(permission_classes=[IsHQ], description="Define a tag.")
    @mutation_payload
    async def create_tag(self, info: Info, name: str, description: str | None = None) -> TagPayload | None:
        caller = require_caller(info)
        row = await tags.create(brand_id=caller.brand_id, name=name, description=description)
        return TagPayload(tag=Tag(id=ids.encode("Tag", row.id), name=row.name, description=row.description))

    @strawberry.mutation(permission_classes=[IsHQ], description="Put a tag on a member.")
    @mutation_payload
    async def tag_member(self, info: Info, member_id: strawberry.ID, tag_id: strawberry.ID) -> DonePayload | None:
        caller = require_caller(info)
        await tags.attach(
            brand_id=caller.brand_id,
            member_id=ids.decode(member_id, "Member", field="memberId"),
            tag_id=ids.decode(tag_id, "Tag", field="tagId"),
        )
        return DonePayload(ok=True)

    @strawberry.mutation(permission_classes=[IsHQ], description="Take a tag off a member.")
    @mutation_payload
    async def untag_member(self, info: Info, member_id: strawberry.ID, tag_id: strawberry.ID) -> DonePayload | None:
        caller = require_caller(info)
        await tags.detach(
            brand_id=caller.brand_id,
            member_id=ids.decode(member_id, "Member", field="memberId"),
            tag_id=ids.decode(tag_id, "Tag", field="tagId"),
        )
        return DonePayload(ok=True)
