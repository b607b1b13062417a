"""QR images of invite and enrolment URLs, as PNG or SVG, through the qrcode package."""

from __future__ import annotations

import io
from enum import StrEnum

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage


class QrFormat(StrEnum):
    PNG = "png"
    SVG = "svg"


MEDIA_TYPES = {QrFormat.PNG: "image/png", QrFormat.SVG: "image/svg+xml"}


def render(url: str, fmt: QrFormat, *, box_size: int = 8) -> bytes:
    """Encode `url` (medium error correction, which tolerates a creased or smudged print)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    if fmt is QrFormat.SVG:
        qr.make_image(image_factory=SvgPathImage).save(buffer)
    else:
        qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
