"""Print-ready item-code labels: one PNG or SVG per code (zipped), or vector A4 PDF sheets for small runs.

Each label is the QR of the code's URL, with the code printed under it, grouped, for the packing line to read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from referral import qr

MAX_SHEET_LABELS = 2_400  # 100 pages; larger runs go to the printer as CSV or image archives
MAX_ARCHIVE_LABELS = 20_000
# A4 in points, 4 x 6 labels of about 47 x 45 mm: a QR of about 33 mm, for any phone at arm's length.
COLUMNS, ROWS = 4, 6
MARGIN, HEADING = 28.0, 24.0
QR_SIZE = 94.0
CODE_FONT, CODE_SIZE, CODE_LEADING = "Courier-Bold", 8.5, 10.5
GROUP, GROUPS_PER_LINE = 4, 5
MASK_PATTERN = 2


def archive(labels: Iterable[tuple[str, str]], fmt: qr.QrFormat) -> bytes:
    """A ZIP of one image per (code, url), named <code>.png or <code>.svg."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for code, url in labels:
            zf.writestr(f"{code}.{fmt.value}", qr.render(url, fmt))
    return buffer.getvalue()


def grouped(code: str) -> list[str]:
    """The code as printed: groups of four, five groups a line, so a person can read it aloud or type it."""
    groups = [code[i : i + GROUP] for i in range(0, len(code), GROUP)]
    return [" ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)]


def pdf_sheets(labels: Iterable[tuple[str, str]], out: BinaryIO, *, title: str) -> None:
    """Write A4 pages of vector labels to `out`, 24 to a page, each page headed with `title` and its
    number: each label is its QR, drawn as filled modules, and its code in grouped type inside the cell.
    Vector text and shapes print sharp at any resolution and keep a 2,400-label file to a few MB."""
    width, height = A4
    cell_w = (width - 2 * MARGIN) / COLUMNS
    cell_h = (height - 2 * MARGIN - HEADING) / ROWS
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    pdf.setTitle(title)
    page = 0
    for n, (code, url) in enumerate(labels):
        slot = n % (COLUMNS * ROWS)
        if slot == 0:
            if page:
                pdf.showPage()
            page += 1
            pdf.setFont("Helvetica", 9)
            pdf.drawString(MARGIN, height - MARGIN - 10, f"{title}  -  page {page}")
        left = MARGIN + (slot % COLUMNS) * cell_w
        top = height - MARGIN - HEADING - (slot // COLUMNS) * cell_h
        _draw_qr(pdf, url, x=left + (cell_w - QR_SIZE) / 2, y=top - QR_SIZE - 4)
        pdf.setFont(CODE_FONT, CODE_SIZE)
        for row, line in enumerate(grouped(code), start=1):
            pdf.drawCentredString(left + cell_w / 2, top - QR_SIZE - 4 - CODE_LEADING * row, line)
    pdf.showPage()
    pdf.save()


def _draw_qr(pdf: canvas.Canvas, url: str, *, x: float, y: float) -> None:
    """The QR's dark modules as filled rectangles, one per horizontal run, in module units under one
    transform. Written as PDF operators directly: reportlab's path objects format every coordinate and
    cost about 10 ms a label (24 s for a full sheet); a fixed mask pattern saves the mask search, which
    was most of qrcode's time, and decodes as well."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=MASK_PATTERN)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    size = len(matrix)
    runs = []
    for row, cells in enumerate(matrix):
        column = 0
        while column < size:
            if not cells[column]:
                column += 1
                continue
            run = column
            while run < size and cells[run]:
                run += 1
            runs.append(f"{column} {size - row - 1} {run - column} 1 re")
            column = run
    module = QR_SIZE / size
    pdf.addLiteral(f"q {module:.4f} 0 0 {module:.4f} {x:.2f} {y:.2f} cm 0 g {' '.join(runs)} f Q")
