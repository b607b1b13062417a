from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.models import GuideStatus as GuideStatusValue
from referral.services import chains, guides, members
from schema import ids
from schema.arguments import After, First, Offset
from schema.errors import SchemaError, SchemaErrorCode, null_when_refused
from schema.pagination import DEFAULT_PAGE, Connection, PageInfo, paginate
from schema.permissions import IsHQ, IsStoreStaff, require_caller, store_scope
from schema.types.guide import Guide, GuideStatus
from schema.types.member import ChainLink, ChainPage, Member
from schema.types.policy import ReferralPolicy


@strawberry.type
class ReferralQueries:
    @strawberry.field(
        permission_classes=[IsStoreStaff], description="Guides of the brand (a store manager: of their store)."
    )
    async def guides(
        self,
        info: Info,
        first: First = DEFAULT_PAGE,
        after: After = None,
        status: Annotated[
            GuideStatus | None, strawberry.argument(description="Only guides with this status; all when left out.")
        ] = None,  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    ) -> Connection[Guide] | None:
        caller = require_caller(info)
        q = guides.query(
            brand_id=caller.brand_id,
            store_scope=store_scope(caller),
            status=GuideStatusValue(status.value) if status else None,
        )
        return await paginate(q, first=first, after=after, to_node=lambda row: Guide(row=row))

    @strawberry.field(permission_classes=[IsHQ], description="A member of the brand, or null.")
    @null_when_refused
    async def member(self, info: Info, id: strawberry.ID) -> Member | None:
        caller = require_caller(info)
        return Member(row=await members.get(brand_id=caller.brand_id, member_id=ids.decode(id, "Member")))

    @strawberry.field(permission_classes=[IsHQ], description="Who brought this member, nearest first.")
    async def ancestors(self, info: Info, member_id: strawberry.ID) -> list[ChainLink] | None:
        caller = require_caller(info)
        links = await chains.ancestors(brand_id=caller.brand_id, member_id=ids.decode(member_id, "Member"))
        return [ChainLink.of(link) for link in links]

    @strawberry.field(
        permission_classes=[IsHQ],
        description="Everyone a member (or a guide) brought, directly or through others: "
        "nearest first, a page at a time.",
    )
    async def descendants(
        self,
        info: Info,
        member_id: strawberry.ID | None = None,
        guide_id: strawberry.ID | None = None,
        first: First = 100,
        offset: Offset = 0,
    ) -> ChainPage | None:
        caller = require_caller(info)
        if (member_id is None) == (guide_id is None):
            raise SchemaError(SchemaErrorCode.INVALID_ID, "Give exactly one of memberId and guideId.")
        if not 1 <= first <= chains.MAX_PAGE or offset < 0:
            raise SchemaError(
                SchemaErrorCode.INVALID_PAGINATION, f"first must be 1-{chains.MAX_PAGE}, offset 0 or more.", "first"
            )
        if member_id is not None:
            page = await chains.descendants_of_member(
                brand_id=caller.brand_id, member_id=ids.decode(member_id, "Member"), limit=first, offset=offset
            )
        else:
            page = await chains.descendants_of_guide(
                brand_id=caller.brand_id, guide_id=ids.decode(guide_id, "Guide"), limit=first, offset=offset
            )
        return ChainPage(total=page.total, links=[ChainLink.of(link) for link in page.links])

    @strawberry.field(permission_classes=[IsHQ], description="The brand's referral settings.")
    async def referral_policy(self, info: Info) -> ReferralPolicy | None:
        caller = require_caller(info)
        return ReferralPolicy.of(await info.context.loaders.policy.load(caller.brand_id))

    @strawberry.field(
        permission_classes=[IsStoreStaff],
        description="The brand's registered members, oldest first (a store manager: their store's), narrowed "
        "by search (name, invite code, the whole phone number or exactly its last four digits), tag, guide or store.",
    )
    async def members(
        self,
        info: Info,
        first: First = DEFAULT_PAGE,
        after: After = None,
        search: Annotated[str | None, strawberry.argument(description="Name, invite code or phone.")] = None,
        tag_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only members with this tag.")] = None,
        guide_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this guide's.")] = None,
        store_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this store's.")] = None,
    ) -> Connection[Member] | None:
        caller = require_caller(info)
        wanted_store = ids.decode(store_id, "Store", field="storeId") if store_id else None
        scope = store_scope(caller)
        if scope is not None and wanted_store not in (None, scope):
            return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        q = members.listing(
            brand_id=caller.brand_id,
            search=search,
            tag_id=ids.decode(tag_id, "Tag", field="tagId") if tag_id else None,
            guide_id=ids.decode(guide_id, "Guide", field="guideId") if guide_id else None,
            store_id=scope if scope is not None else wanted_store,
        )
        return await paginate(q, first=first, after=after, to_node=lambda row: Member(row=row))
