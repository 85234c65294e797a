"""A family table as a ruled PDF (text layer) and as a scan of it (image-only PDF).

The PDF is drawn as render_pdf draws the seed's fragments: landscape A4, every cell
border a real line, reportlab's built-in CID font STSong-Light (no font file). The
header block's label/value cells, the column header row (repeated on every page under
"（续表）"), and the body, where 一级/二级 cells covering a group are drawn as one merged
cell (the text once, vertically centred, no inner borders). A group cut by a page break
starts again, text and all, on the next page, as spreadsheet printing does.

The scan draws the same pages with WenQuanYi Zen Hei embedded (pdfium cannot draw the
non-embedded CID font), rasterises them with pypdfium2, turns them by a small angle,
adds noise (make_scans.degrade) and stores them as an image-only PDF.
"""
from __future__ import annotations

import random
import tempfile
from contextlib import contextmanager
from pathlib import Path

from reportlab.pdfgen import canvas

from . import render_pdf as rp
from .families import FamilyTable

BLOCK_FRACS = {2: (0.16, 0.84), 4: (0.16, 0.34, 0.16, 0.34)}


def _cells(xs, texts):
    return [(xs[i], xs[i + 1], t) for i, t in enumerate(texts)]


def _page_rows(table: FamilyTable, start: int, stop: int) -> tuple[list[list], list[tuple]]:
    """Body rows start..stop-1 as cells, and their merges; a group cut by the page break
    shows its text again on the page's first row."""
    body = [list(r) for r in table.body[start:stop]]
    for col in range(len(table.columns)):
        if body and body[0][col] is None:
            above = next(r[col] for r in reversed(table.body[:start]) if r[col] is not None)
            body[0][col] = above
    merges = []
    for col in range(len(table.columns)):
        first = None
        for i, row in enumerate(body + [[""] * len(table.columns)]):
            if row[col] is None:
                continue
            if first is not None and i - 1 > first:
                merges.append((col, first, i - 1))
            first = i
    return body, merges


def render_pdf(table: FamilyTable, path, *, font_size: float = 8.5) -> int:
    """Write the ruled PDF of one filing; returns its number of pages."""
    rp._register_font()
    c = canvas.Canvas(str(Path(path)), pagesize=(rp.PAGE_W, rp.PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(table.title[0])
    xs = rp._columns(table.widths)
    blocks = [_cells(rp._columns(BLOCK_FRACS[len(r)]), r) for r in table.block]
    i, number = 0, 0
    while i < len(table.body) or number == 0:
        number += 1
        page = rp._Page(c, font_size, rp.PAGE_H - rp.MARGIN_TOP)
        if number == 1:
            c.setFont(rp.FONT, 15)
            c.drawCentredString(rp.PAGE_W / 2, rp.PAGE_H - 30, table.title[0])
            y = rp.PAGE_H - 46
            for line in table.title[1:]:
                c.setFont(rp.FONT, 10)
                c.drawCentredString(rp.PAGE_W / 2, y, line)
                y -= 14
            page.y = y - 4
            page.rows(blocks)
        else:
            c.setFont(rp.FONT, 10)
            c.drawString(rp.MARGIN_X, rp.PAGE_H - 36, "（续表）")
        page.rows([_cells(xs, table.columns)])
        start, used = i, 0.0
        while i < len(table.body):
            h = page.height(_cells(xs, [t or "" for t in table.body[i]]))
            if page.y - used - h < rp.MARGIN_BOTTOM:
                break
            used += h
            i += 1
        if i == start and i < len(table.body):
            i += 1
        body, merges = _page_rows(table, start, i)
        page.rows([_cells(xs, r) for r in body], merges)
        page.finish(number)
    c.save()
    return number


@contextmanager
def _scan_font():
    from .make_scans import _use_scan_font
    before = rp.FONT
    _use_scan_font()
    try:
        yield
    finally:
        rp.FONT = before


def render_scan(table: FamilyTable, path, *, dpi: int, angle: float, seed: str) -> int:
    """Write a scan of the filing's PDF as an image-only PDF; returns its number of pages."""
    import pypdfium2 as pdfium

    from .make_scans import _few_grays, degrade, write_image_pdf

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, _scan_font():
        drawn = Path(tmp) / "drawn.pdf"
        render_pdf(table, drawn)
        document = pdfium.PdfDocument(str(drawn))
        pages = [degrade(document[k].render(scale=dpi / 72).to_pil(), angle, rng) for k in range(len(document))]
        document.close()
    write_image_pdf([_few_grays(p) for p in pages], Path(path))
    return len(pages)
