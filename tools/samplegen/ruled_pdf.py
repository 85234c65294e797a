"""Draw ruled CJK tables as text-layer PDFs (reportlab, STSong-Light): the PDF table tests and the
PDF form of samples/formats.

A table is a list of rows; a row is a list of slots, one per column. A slot is
the cell's text, a ``Span(text, rows, cols)`` for a merged cell, or ``None``
where a merged cell to the left or above covers it. Borders are drawn as
separate line segments (as the project's generated PDFs and most exporters
do), never across a merged cell.

``clip=True`` draws each cell's text the way spreadsheet exports do: in a
fixed-height row, clipped to the cell's rectangle, so the text layer holds more
than the page shows (issue 12, overflow). ``wrap=False`` keeps it on one line
running out past the right border; ``wrap=True`` wraps it, running out past the
bottom border.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
PAD = 3.0


@dataclass
class Span:
    text: str
    rows: int = 1
    cols: int = 1


Slot = Union[str, Span, None]


@dataclass
class Page:
    rows: list[list[Slot]]
    widths: list[float]
    title: tuple[str, ...] = ()
    clip: bool = False
    wrap: bool = True
    row_height: Optional[float] = None  # fixed row height (clip mode); None: fit the text


def _register() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, width: float, size: float) -> list[str]:
    lines, line, used = [], "", 0.0
    for char in text:
        w = pdfmetrics.stringWidth(char, FONT, size)
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += w
    return lines + [line]


def _anchors(rows: list[list[Slot]]) -> list[tuple[int, int, Span]]:
    out = []
    for r, row in enumerate(rows):
        for c, slot in enumerate(row):
            if slot is not None:
                out.append((r, c, slot if isinstance(slot, Span) else Span(slot)))
    return out


def draw_page(c: canvas.Canvas, page: Page, size: float = 9.0, x0: float = 40.0, top: float = 60.0) -> None:
    _register()
    width, height = c._pagesize
    lead = size * 1.3
    y = height - top
    c.setFont(FONT, 14)
    for line in page.title:
        y -= 18
        c.drawString(x0, y, line)
    y -= 10
    xs = [x0]
    for w in page.widths:
        xs.append(xs[-1] + w)
    anchors = _anchors(page.rows)
    heights = []
    for r in range(len(page.rows)):
        if page.row_height is not None:
            heights.append(page.row_height)
            continue
        need = [len(wrap(span.text, xs[c + span.cols] - xs[c] - 2 * PAD, size)) for rr, c, span in anchors
                if rr == r and span.rows == 1]
        heights.append(max(need or [1]) * lead + 2 * PAD)
    tops = [y]
    for h in heights:
        tops.append(tops[-1] - h)
    segments: set[tuple[float, float, float, float]] = set()
    c.setFont(FONT, size)
    for r, col, span in anchors:
        left, right = xs[col], xs[col + span.cols]
        upper, lower = tops[r], tops[r + span.rows]
        for seg in ((left, upper, right, upper), (left, lower, right, lower),
                    (left, lower, left, upper), (right, lower, right, upper)):
            segments.add(tuple(round(v, 2) for v in seg))
        if not span.text:
            continue
        lines = wrap(span.text, right - left - 2 * PAD, size) if page.wrap else [span.text]
        c.saveState()
        if page.clip:
            path = c.beginPath()
            path.rect(left, lower, right - left, upper - lower)
            c.clipPath(path, stroke=0, fill=0)
        baseline = upper - PAD - size * 0.88
        for line in lines:
            c.drawString(left + PAD, baseline, line)
            baseline -= lead
        c.restoreState()
    c.setLineWidth(0.6)
    for a, b, e, d in sorted(segments):
        c.line(a, b, e, d)


def render(path: Path, pages: list[Page], size: float = 9.0) -> Path:
    """Write ``pages`` (one table each, landscape A4) to ``path``."""
    _register()
    c = canvas.Canvas(str(path), pagesize=landscape(A4), invariant=1)  # the same bytes on every run
    for page in pages:
        draw_page(c, page, size)
        c.showPage()
    c.save()
    return path


def render_prose(path: Path, lines: list[str]) -> Path:
    """A PDF with text and no table."""
    _register()
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    c.setFont(FONT, 11)
    y = 540.0
    for line in lines:
        c.drawString(50, y, line)
        y -= 16
    c.showPage()
    c.save()
    return path
