"""The same pages as a vector PDF whose text layer reads as ``(cid:N)``: a font subset with no Unicode map.

Offices' PDF writers often embed a CJK font subset and leave out its ``/ToUnicode`` map: the page looks
right, but pdfminer reads every character as ``(cid:N)`` and pdfium as control characters and Latin
letters. This draws a filing's sheets with reportlab in AR PL UMing (the layout of ``draw``, in points),
then blanks every ``/ToUnicode`` reference in place (same length, so the file's cross-reference offsets
stay right). jixiao must route such pages to OCR (issue 21).
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas

from .draw import FONT_FILE, draw_filing, font
from .tables import Sheet

PDF_FONT = "RealScansUMing"
_TO_UNICODE = re.compile(rb"/ToUnicode \d+ 0 R")


def _register() -> None:
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, FONT_FILE, subfontIndex=0))


class PdfSurface:
    """A :class:`.draw.Surface` that draws on the pages of one reportlab canvas (1 px = 1 pt)."""

    canvas: pdfcanvas.Canvas  # set by write_cid_pdf before any page is drawn

    def __init__(self, size: tuple[int, int]):
        self.size = size
        self.canvas.setPageSize(size)

    def text(self, x: float, y: float, text: str, size_px: int, *, bold: bool = False) -> None:
        ascent = font(size_px).getmetrics()[0]
        self.canvas.setFont(PDF_FONT, size_px)
        mode = 2 if bold else 0  # fill and stroke: the same fake bold PIL's stroke gives
        self.canvas._code.append(f"{mode} Tr")
        self.canvas.drawString(x, self.size[1] - y - ascent, text)
        self.canvas._code.append("0 Tr")

    def rect(self, box: tuple[float, float, float, float], width: int) -> None:
        x0, y0, x1, y1 = box
        self.canvas.setLineWidth(max(0.5, width))
        self.canvas.rect(x0, self.size[1] - y1, x1 - x0, y1 - y0, stroke=1, fill=0)

    def finish(self) -> None:
        self.canvas.showPage()


def write_cid_pdf(sheets: list[Sheet], path: Path) -> int:
    """Write the sheets as a (cid:N) PDF; the number of pages."""
    _register()
    PdfSurface.canvas = pdfcanvas.Canvas(str(path), invariant=1, pageCompression=1)
    pages = draw_filing(sheets, 72, surface=PdfSurface)
    PdfSurface.canvas.save()
    data = path.read_bytes()
    path.write_bytes(_TO_UNICODE.sub(lambda m: b" " * len(m.group(0)), data))
    return len(pages)
