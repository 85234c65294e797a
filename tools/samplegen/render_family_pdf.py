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

The *wrapped* PDF draws the same table on portrait A4 in a larger type (WRAPPED_FONT_SIZE), so
that 一级/二级 names, long 三级 names and explanations wrap over several lines, as a sheet
printed on portrait paper does. ``pdftotext_layout`` turns a PDF into what poppler's
``pdftotext -layout`` makes of it, the text users make from any PDF.
"""
from __future__ import annotations

import random
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from . import render_pdf as rp
from .families import FamilyTable

BLOCK_FRACS = {2: (0.16, 0.84), 4: (0.16, 0.34, 0.16, 0.34)}
LANDSCAPE = (rp.PAGE_W, rp.PAGE_H)
PORTRAIT = A4
WRAPPED_FONT_SIZE = 10.0
# what the committed pdftotext samples were made with (the command then takes the PDF and "-")
PDFTOTEXT = ("pdftotext", "-layout", "-enc", "UTF-8")


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


def render_pdf(table: FamilyTable, path, *, font_size: float = 8.5, pagesize=LANDSCAPE) -> int:
    """Write the ruled PDF of one filing on pages of ``pagesize``; returns its number of pages."""
    rp._register_font()
    with rp.raw_streams():
        c = canvas.Canvas(str(Path(path)), pagesize=pagesize, invariant=1, pageCompression=1)
        c.setTitle(table.title[0])
        number = _draw_pages(c, table, font_size, pagesize)
        c.save()
    return number


def _page_top(c, table: FamilyTable, page, number: int, pagesize) -> None:
    """The title and header block (first page) or "（续表）" (the others), then the column headers."""
    width, height = pagesize
    if number == 1:
        c.setFont(rp.FONT, 15)
        c.drawCentredString(width / 2, height - 30, table.title[0])
        y = height - 46
        for line in table.title[1:]:
            c.setFont(rp.FONT, 10)
            c.drawCentredString(width / 2, y, line)
            y -= 14
        page.y = y - 4
        page.rows([_cells(rp._columns(BLOCK_FRACS[len(r)], width), r) for r in table.block])
    else:
        c.setFont(rp.FONT, 10)
        c.drawString(rp.MARGIN_X, height - 36, "（续表）")
    page.rows([_cells(rp._columns(table.widths, width), table.columns)])


def _draw_pages(c, table: FamilyTable, font_size: float, pagesize) -> int:
    """Draw the table page by page (as many body rows as fit on each); returns the page count."""
    width, height = pagesize
    xs = rp._columns(table.widths, width)
    i, number = 0, 0
    while i < len(table.body) or number == 0:
        number += 1
        page = rp._Page(c, font_size, height - rp.MARGIN_TOP, width)
        _page_top(c, table, page, number, pagesize)
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
    return number


def render_wrapped_pdf(table: FamilyTable, path) -> int:
    """The table printed on portrait A4 in a larger type: most text cells wrap over several lines."""
    return render_pdf(table, path, font_size=WRAPPED_FONT_SIZE, pagesize=PORTRAIT)


def pdftotext_layout(pdf) -> bytes:
    """What ``pdftotext -layout -enc UTF-8`` (poppler-utils) prints for a PDF, form feeds and all."""
    return subprocess.run([*PDFTOTEXT, str(pdf), "-"], capture_output=True, check=True).stdout


def poppler_version() -> str:
    """The version of the pdftotext at hand ("22.12.0"), as its ``-v`` prints it."""
    done = subprocess.run([PDFTOTEXT[0], "-v"], capture_output=True, text=True, check=True)
    return (done.stderr or done.stdout).split()[2]


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
