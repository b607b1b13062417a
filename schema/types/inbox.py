from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from foundation.tenancy import regional
from referral.models import InboxItem as InboxModel
from referral.notices import catalogue
from schema import ids
from schema.columns import column
from schema.types.brand import MessagePurpose
from schema.types.node import Node


@strawberry.type(description="A notice in a member's in-app inbox, in their locale and the brand's time zone.")
class InboxItem(Node):
    row: strawberry.Private[InboxModel]

    @strawberry.field(description="Global id of the notice.")
    def id(self) -> strawberry.ID:
        return ids.encode("InboxItem", self.row.id)

    @strawberry.field(description="What the notice is about.")
    def purpose(self) -> MessagePurpose:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.kind

    @strawberry.field(description="A short heading.")
    async def title(self, info: Info) -> str:
        return (await self._words(info)).title

    @strawberry.field(description="The notice, with times in the brand's time zone.")
    async def body(self, info: Info) -> str:
        return (await self._words(info)).body

    @strawberry.field(description="The mini-program page to open (with the object's global id), if any.")
    async def page(self, info: Info) -> str | None:
        return (await self._words(info)).page

    created_at = column(datetime, description="When the notice arrived.")

    read_at = column(datetime | None, description="When the member read it; null while unread.")

    async def _words(self, info: Info) -> catalogue.Rendered:
        brand = await info.context.loaders.brand.load(self.row.brand_id)
        member = await info.context.loaders.member.load(self.row.member_id)
        settings = regional.of(brand)
        locale = settings.locale_for(member.locale if member is not None else None)
        return catalogue.render(self.row.kind, self.row.params, locale=locale, zone=settings.zone)
