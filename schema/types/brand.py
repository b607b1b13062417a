from __future__ import annotations

import strawberry

from foundation.tenancy import regional
from foundation.tenancy.models import Brand as BrandModel
from referral.models import MessageKind
from referral.services.templates import templates_of
from schema import ids
from schema.enums import client_enum
from schema.types.node import Node

MessagePurpose = client_enum(
    MessageKind,
    "Why a member is told something; each purpose has its own WeChat subscribe-message template.",
    {
        MessageKind.EVENT_CANCELLED: "An event they signed up for was cancelled.",
        MessageKind.WAITLIST_PROMOTED: "A place opened up for them at an event.",
        MessageKind.COUPON_ISSUED: "They received a coupon.",
        MessageKind.EVENT_REMINDER: "An event they signed up for is tomorrow.",
        MessageKind.BROADCAST: "A message the brand sends to a segment (marketing: only with their consent).",
        MessageKind.GUIDE_MESSAGE: "A message from their guide, one to one (only with their consent).",
    },
    name="MessagePurpose",
)


@strawberry.type(description="The WeChat subscribe-message template a purpose uses.")
class WechatTemplate:
    purpose: MessagePurpose = strawberry.field(description="What the messages are about.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    template_id: str = strawberry.field(description="The template id from the mini-program console.")


@strawberry.type(description="The brand (tenant) the caller belongs to, and its settings.")
class Brand(Node):
    row: strawberry.Private[BrandModel]

    @strawberry.field(description="Global id of the brand.")
    def id(self) -> strawberry.ID:
        return ids.encode("Brand", self.row.id)

    @strawberry.field(description="The brand's short name in URLs and sign-in (brandSlug).")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="The brand's display name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Web origins whose pages may call the API from a browser (setAllowedOrigins).")
    def allowed_origins(self) -> list[str]:
        return list(self.row.allowed_origins or [])

    @strawberry.field(description="IANA time zone of reports and of the times in texts members receive.")
    def time_zone(self) -> str:
        return regional.of(self.row).time_zone

    @strawberry.field(description="Locales the brand offers members (BCP 47: zh-Hans, zh-Hant, ja, en).")
    def locales(self) -> list[str]:
        return list(regional.of(self.row).locales)

    @strawberry.field(description="The locale of a member who has not chosen one the brand offers.")
    def default_locale(self) -> str:
        return regional.of(self.row).default_locale

    @strawberry.field(description="ISO 4217 code of every amount the brand's figures give.")
    def currency(self) -> str:
        return regional.of(self.row).currency

    @strawberry.field(description="How many digits of an amount are after the decimal point (CNY 2, JPY 0).")
    def currency_digits(self) -> int:
        return regional.of(self.row).currency_digits

    @strawberry.field(description="Where LINE messages and web pages link an event (a LIFF URL); null if unset.")
    def event_link_base(self) -> str | None:
        return regional.of(self.row).event_link_base

    @strawberry.field(description="The WeChat subscribe-message template of each purpose that has one.")
    def wechat_templates(self) -> list[WechatTemplate]:
        return [
            WechatTemplate(purpose=purpose, template_id=template_id)
            for purpose, template_id in sorted(templates_of(self.row).items())
        ]

    @strawberry.field(description="Whether the WeChat app secret is set (it is never shown).")
    def has_wechat_secret(self) -> bool:
        return bool(self.row.wechat_secret)

    @strawberry.field(
        description="Whether WeChat's message push is set up (Token and EncodingAESKey; never shown): "
        "its URL is /wechat/<slug>/callback."
    )
    def has_wechat_push(self) -> bool:
        return bool(self.row.wechat_callback_token and self.row.wechat_aes_key)

    @strawberry.field(description="Whether the LINE channel secret and access token are both set (never shown).")
    def has_line_credentials(self) -> bool:
        return bool(self.row.line_channel_secret and self.row.line_channel_access_token)

    @classmethod
    def of(cls, row: BrandModel) -> Brand:
        return cls(row=row)
