"""Print-ready labels: a real decoder reads back every code from the PDF sheets and the image archives."""

import io
import zipfile

import cairosvg
import PIL.Image
import pypdfium2
import pytest
import zxingcpp

from loyalty import printing
from tests.loyalty.scenario import ITEM_URL, Shop, open_shop


@pytest.fixture
async def shop(db, settings, client) -> Shop:
    return await open_shop(client, settings)


async def get(shop: Shop, path: str, token: str | None = None):
    token = token or shop.hq
    return await shop.client.http.get(
        f"/exports/code-batches/{shop.batch.id}/{path}", headers={"authorization": f"Bearer {token}"}
    )


def expected(shop: Shop, start: int, count: int) -> set[str]:
    return {f"{ITEM_URL}?i={shop.code(serial=s)}" for s in range(start, start + count)}


async def test_pdf_sheets_decode_back_to_every_code(shop) -> None:
    response = await get(shop, "labels.pdf?start=100&count=30")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    # Vector: 30 labels used to be a 1.2 MB raster.
    assert len(response.content) < 150_000
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 2  # 24 labels to a page
    width, height = document[0].get_size()
    cell_w = (width - 2 * printing.MARGIN) / printing.COLUMNS
    cell_h = (height - 2 * printing.MARGIN - printing.HEADING) / printing.ROWS
    for n in range(30):
        page = document[n // 24]
        slot = n % 24
        left = printing.MARGIN + (slot % printing.COLUMNS) * cell_w
        top = height - printing.MARGIN - printing.HEADING - (slot // printing.COLUMNS) * cell_h
        code = shop.code(serial=100 + n)
        # The text inside this label's cell, and nothing of its neighbours': the code, grouped by four.
        text = page.get_textpage().get_text_bounded(left=left, bottom=top - cell_h, right=left + cell_w, top=top)
        assert text.split() == " ".join(printing.grouped(code)).split(), (n, text)
        assert [len(g) for g in text.split()] == [4] * 10
        # The QR inside the same cell, rasterised at print-preview resolution, decodes to the code's URL.
        scale = 3
        image = page.render(scale=scale).to_pil()
        crop = image.crop(
            (
                int(left * scale),
                int((height - top) * scale),
                int((left + cell_w) * scale),
                int((height - top + cell_h) * scale),
            )
        )
        assert [b.text for b in zxingcpp.read_barcodes(crop)] == [f"{ITEM_URL}?i={code}"]


@pytest.mark.parametrize("fmt", ["png", "svg"])
async def test_image_archives_decode_back_to_every_code(shop, fmt) -> None:
    response = await get(shop, f"labels.zip?format={fmt}&start=0&count=12")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    read = {}
    for name in archive.namelist():
        data = archive.read(name)
        png = cairosvg.svg2png(bytestring=data, output_width=400, background_color="white") if fmt == "svg" else data
        read[name] = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))[0].text
    assert set(read.values()) == expected(shop, 0, 12)
    assert all(url.endswith(name.removesuffix(f".{fmt}")) for name, url in read.items())


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("labels.pdf?start=0&count=0", 400, "LABEL_RANGE_INVALID"),
        ("labels.pdf?start=0&count=2401", 400, "LABEL_RANGE_INVALID"),
        ("labels.pdf?start=9999&count=2", 400, "LABEL_RANGE_INVALID"),
        ("labels.pdf?start=-1&count=2", 400, "LABEL_RANGE_INVALID"),
        ("labels.pdf?start=x", 400, "LABEL_RANGE_INVALID"),
        ("labels.zip?format=gif", 404, None),  # no such resource: labels come as PDF, or PNG/SVG archives
    ],
)
async def test_bad_label_requests_are_refused(shop, path, status, code) -> None:
    response = await get(shop, path)
    assert response.status_code == status
    assert [e.get("code") for e in response.json()["errors"]] == [code]


async def test_labels_are_for_hq_only(shop, settings) -> None:
    _, token = await shop.mother("mum")
    assert (await get(shop, "labels.pdf", token)).status_code == 403
    assert (await shop.client.http.get(f"/exports/code-batches/{shop.batch.id}/labels.pdf")).status_code == 401
