"""HQ changes its brand's settings; each change is recorded (who, when, old and new value)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation.tenancy import credentials, origins as allowed_origins, regional
from loyalty.services import policy as loyalty_policy
from referral.models import MessageKind
from referral.services import templates
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsHQ, require_caller
from schema.types.brand import Brand, MessagePurpose


@strawberry.input(description="Regional settings to change; a field left out keeps its value.")
class BrandSettingsInput:
    time_zone: str | None = strawberry.field(default=None, description="An IANA name, such as Asia/Tokyo.")
    locales: list[str] | None = strawberry.field(
        default=None, description="The locales offered members: any of zh-Hans, zh-Hant, ja, en."
    )
    default_locale: str | None = strawberry.field(default=None, description="One of the locales offered.")
    currency: str | None = strawberry.field(default=None, description="ISO 4217, such as CNY, TWD or JPY.")
    event_link_base: str | None = strawberry.field(
        default=None, description="https URL that event links start with (a LIFF URL); empty to unset."
    )


@strawberry.input(description="New platform secrets; a field left out keeps its secret. Never shown again.")
class ChannelSecretsInput:
    wechat_secret: str | None = strawberry.field(default=None, description="The mini-program's AppSecret.")
    line_channel_secret: str | None = strawberry.field(default=None, description="The LINE channel secret.")
    line_channel_access_token: str | None = strawberry.field(
        default=None, description="A LINE channel access token (long-lived or v2.1)."
    )
    wechat_callback_token: str | None = strawberry.field(
        default=None, description="The Token of the mini-program's message push (消息推送) settings."
    )
    wechat_aes_key: str | None = strawberry.field(
        default=None, description="Its EncodingAESKey (43 characters), for safe mode."
    )


@strawberry.type(description="The brand's settings as a mutation left them, or why it was refused.")
class BrandPayload:
    brand: Brand | None = strawberry.field(default=None, description="The brand; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="The URL printed on cans, or why it was refused.")
class ItemUrlPayload:
    item_url_base: str | None = strawberry.field(
        default=None, description="Each can's QR opens this URL with ?i=<code>."
    )
    errors: list[UserError] = refusals()


@strawberry.type
class BrandMutations:
    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Replace the web origins whose pages may call the API from a browser (a LIFF app on "
        "the brand's domain): https://host[:port], http only for localhost, at most 20.",
    )
    @mutation_payload
    async def set_allowed_origins(self, info: Info, origins: list[str]) -> BrandPayload | None:
        caller = require_caller(info)
        row = await allowed_origins.set_allowed(
            brand_id=caller.brand_id,
            origins=origins,
            changed_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
        )
        return BrandPayload(brand=Brand.of(row))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Set the URL printed on cans (the mini-program's registered QR prefix; each code adds "
        "?i=<code>): https, without ? or #. Code exports are refused until it is set.",
    )
    @mutation_payload
    async def set_item_url_base(self, info: Info, url: str) -> ItemUrlPayload | None:
        caller = require_caller(info)
        row = await loyalty_policy.set_item_url_base(
            brand_id=caller.brand_id, url=url, changed_by=f"staff:{caller.staff_id}", now=info.context.now()
        )
        return ItemUrlPayload(item_url_base=row.item_url_base)

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Change the brand's time zone, locales, currency or event link base; each change is recorded.",
    )
    @mutation_payload
    async def update_brand_settings(
        self,
        info: Info,
        input: Annotated[BrandSettingsInput, strawberry.argument(description="The settings to change.")],
    ) -> BrandPayload | None:
        caller = require_caller(info)
        row = await regional.change(
            brand_id=caller.brand_id,
            wanted=regional.Change(**vars(input)),
            changed_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
        )
        return BrandPayload(brand=Brand.of(row))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Name the WeChat subscribe-message template a purpose uses (null to stop using one).",
    )
    @mutation_payload
    async def set_wechat_template(
        self,
        info: Info,
        purpose: Annotated[MessagePurpose, strawberry.argument(description="What the messages are about.")],  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        template_id: Annotated[str | None, strawberry.argument(description="From the mini-program console.")],
    ) -> BrandPayload | None:
        caller = require_caller(info)
        row = await templates.set_template(
            brand_id=caller.brand_id,
            purpose=MessageKind(purpose.value),
            template_id=template_id,
            changed_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
        )
        return BrandPayload(brand=Brand.of(row))

    @strawberry.mutation(
        permission_classes=[IsHQ],
        description="Replace WeChat or LINE secrets after rotating them on the platform; every worker uses "
        "the new ones from its next call. Recorded as changed, never shown.",
    )
    @mutation_payload
    async def replace_channel_secrets(
        self,
        info: Info,
        input: Annotated[ChannelSecretsInput, strawberry.argument(description="The new secrets.")],
    ) -> BrandPayload | None:
        caller = require_caller(info)
        row = await credentials.replace(
            brand_id=caller.brand_id,
            secrets=credentials.Secrets(**vars(input)),
            changed_by=f"staff:{caller.staff_id}",
            now=info.context.now(),
        )
        return BrandPayload(brand=Brand.of(row))
