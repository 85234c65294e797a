"""A reportlab script of its own: STSong-Light (not embedded) and, with ``vera=True``, the
digits and Latin letters in an embedded subset of reportlab's Vera (a TrueType font)."""

from __future__ import annotations

from pathlib import Path

from .layout import Box, Geometry, Text, layout

CJK, LATIN = "STSong-Light", "Vera"
_registered: set[str] = set()


def _register(vera: bool) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if CJK not in _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
        _registered.add(CJK)
    if vera and LATIN not in _registered:
        pdfmetrics.registerFont(TTFont(LATIN, "Vera.ttf"))  # reportlab's own copy, embedded as a subset
        _registered.add(LATIN)


def _font(char: str, vera: bool) -> str:
    return LATIN if vera and "!" <= char <= "~" else CJK


def _runs(text: str, vera: bool) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for char in text:
        font = _font(char, vera)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def measure(vera: bool):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def width(text: str, size: float) -> float:
        return sum(stringWidth(run, font, size) for font, run in _runs(text, vera))
    return width


def write(spec: dict, path: Path, geometry: Geometry, *, vera: bool = False) -> int:
    """Write one filing; the number of pages."""
    from reportlab.pdfgen import canvas

    _register(vera)
    pages = layout(spec, geometry, measure(vera))
    width = measure(vera)
    c = canvas.Canvas(str(path), pagesize=(geometry.width, geometry.height), invariant=1, pageCompression=1)
    for items in pages:
        c.setLineWidth(0.5)
        for item in items:
            if isinstance(item, Box):
                c.rect(item.x0, item.y0, item.x1 - item.x0, item.y1 - item.y0, stroke=1, fill=0)
            elif isinstance(item, Text):
                x = item.x
                for font, run in _runs(item.text, vera):
                    c.setFont(font, item.size)
                    c.drawString(x, item.y, run)
                    x += width(run, item.size)
        c.showPage()
    c.save()
    return len(pages)
