"""Print-ready item-code labels: one PNG or SVG per code (zipped), or A4 PDF sheets for small runs.

Each label is the QR of the code's URL, with the code printed under it for the packing line to read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from referral import qr

# A4 at 300 dpi, 4 x 6 labels of about 4.5 cm: big enough for any phone camera at arm's length.
DPI = 300
PAGE = (2480, 3508)
COLUMNS, ROWS = 4, 6
MARGIN = 120
MAX_SHEET_LABELS = 2_400  # 100 pages; larger runs go to the printer as CSV or image archives
MAX_ARCHIVE_LABELS = 20_000


def label_png(url: str) -> bytes:
    return qr.render(url, qr.QrFormat.PNG)


def label_svg(url: str) -> bytes:
    return qr.render(url, qr.QrFormat.SVG)


def archive(labels: Iterable[tuple[str, str]], fmt: qr.QrFormat) -> bytes:
    """A ZIP of one image per (code, url), named <code>.png or <code>.svg."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for code, url in labels:
            zf.writestr(f"{code}.{fmt.value}", qr.render(url, fmt))
    return buffer.getvalue()


def pdf_sheets(labels: Iterable[tuple[str, str]], *, title: str) -> bytes:
    """A4 pages of labels, 24 to a page, each page headed with `title` and its page number."""
    cell_w = (PAGE[0] - 2 * MARGIN) // COLUMNS
    cell_h = (PAGE[1] - 2 * MARGIN) // ROWS
    text = ImageFont.load_default(size=30)
    heading = ImageFont.load_default(size=36)
    pages: list[Image.Image] = []
    page, draw = None, None
    for i, (code, url) in enumerate(labels):
        slot = i % (COLUMNS * ROWS)
        if slot == 0:
            page = Image.new("L", PAGE, 255)
            draw = ImageDraw.Draw(page)
            draw.text((MARGIN, MARGIN // 3), f"{title}  -  page {len(pages) + 1}", fill=0, font=heading)
            pages.append(page)
        assert page is not None and draw is not None
        x = MARGIN + (slot % COLUMNS) * cell_w
        y = MARGIN + (slot // COLUMNS) * cell_h
        image = _qr_image(url, cell_w - 60)
        page.paste(image, (x + (cell_w - image.width) // 2, y))
        draw.text((x + cell_w // 2, y + image.height + 8), code, fill=0, font=text, anchor="mt")
    if not pages:
        pages.append(Image.new("L", PAGE, 255))
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=DPI, title=title)
    return buffer.getvalue()


def _qr_image(url: str, size: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(url)
    code.make(fit=True)
    # Whole pixels per module keep the edges sharp for the printer.
    code.box_size = max(1, size // (code.modules_count + 2 * code.border))
    return code.make_image().get_image().convert("L")
