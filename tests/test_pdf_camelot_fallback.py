"""camelot's lattice parser as the fallback where pdfplumber sees no ruling lines.

Some producers draw a table's borders as a picture under real text (a
"searchable" form). pdfplumber then finds characters but no line objects;
camelot finds the grid in the rendered page. This test renders a generated
filing that way and checks it reads the same as its vector-ruled PDF.
"""

from __future__ import annotations

import io
import json

import pytest

from jixiao.extractors.pdf import extract_pdf
from jixiao.reader import read_layout
from samplegen import render_pdf as rp

from helpers import SAMPLES

CASE = SAMPLES / "generated" / "changde-shengtai-2023"  # no filler pages: three table pages


def _finish_with_raster_borders(page, number: int) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    scale = 150 / 72
    image = Image.new("L", (round(rp.PAGE_W * scale), round(rp.PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in page.segments:  # PDF coordinates, origin bottom-left
        draw.line([(x0 * scale, (rp.PAGE_H - y0) * scale), (x1 * scale, (rp.PAGE_H - y1) * scale)],
                  fill=0, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    page.c.drawImage(ImageReader(buffer), 0, 0, rp.PAGE_W, rp.PAGE_H)
    page.c.setFont(rp.FONT, 9)
    page.c.drawCentredString(rp.PAGE_W / 2, 20, f"- {number} -")
    page.c.showPage()


@pytest.fixture(scope="module")
def raster_ruled_pdf(tmp_path_factory):
    truth = json.loads(CASE.with_suffix(".truth.json").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("raster") / "raster-ruled.pdf"
    patch = pytest.MonkeyPatch()
    patch.setattr(rp._Page, "finish", _finish_with_raster_borders)
    try:
        rp.render_pdf(truth, truth["garble"], path)
    finally:
        patch.undo()
    return path


def test_no_line_objects_but_camelot_finds_the_grid(raster_ruled_pdf):
    import pdfplumber

    with pdfplumber.open(raster_ruled_pdf) as pdf:
        assert all(not page.lines for page in pdf.pages)
        assert any(page.images for page in pdf.pages)
    filing = read_layout(extract_pdf(str(raster_ruled_pdf), raster_ruled_pdf.read_bytes()))
    vector = read_layout(extract_pdf(str(CASE.with_suffix(".pdf")), CASE.with_suffix(".pdf").read_bytes()))
    assert set(filing.fragments) == set(vector.fragments)
    for kind, fragment in vector.fragments.items():
        rows = [{name: cell.text for name, cell in row.cells.items()} for row in fragment.rows]
        assert [{name: cell.text for name, cell in row.cells.items()} for row in filing.fragments[kind].rows] == rows
    assert [d.cell.text for d in filing.duties] == [d.cell.text for d in vector.duties]
    assert filing.department.text == vector.department.text
