from __future__ import annotations

import base64
from typing import Annotated

import strawberry
from strawberry.types import Info

from foundation import cpu
from referral import qr
from schema.enums import client_enum

QrFormat = client_enum(
    qr.QrFormat,
    "Image format of a QR code.",
    {qr.QrFormat.PNG: "A PNG bitmap.", qr.QrFormat.SVG: "An SVG vector image, for print."},
)

QrFormatArgument = Annotated[QrFormat, strawberry.argument(description="The image format (PNG by default).")]


@strawberry.type(description="A QR code image and the URL it encodes.")
class QrImage:
    url: str = strawberry.field(description="What the code encodes.")
    media_type: str = strawberry.field(description="image/png or image/svg+xml.")
    data_base64: str = strawberry.field(description="The image bytes, base64: show as data:<mediaType>;base64,...")

    @classmethod
    async def render(cls, info: Info, url: str, fmt: qr.QrFormat) -> QrImage:
        """Counted against the request's allowance before any drawing (QR_LIMIT_REACHED past it), then
        drawn in a worker thread."""
        info.context.take_qr_image()
        data = await cpu.offload(qr.render, url, fmt)
        return cls(url=url, media_type=qr.MEDIA_TYPES[fmt], data_base64=base64.b64encode(data).decode())
