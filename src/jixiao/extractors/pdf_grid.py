"""Read one ruled table off a PDF page: cells, their text and their geometry.

pdfplumber finds the lattice from the page's ruling lines; the text of each
cell is rebuilt here from the characters inside its bbox rather than with
``extract_text``, because that strips a cell's trailing space and the trailing
space is the gap marker of a collapsed run ("…提 "). Lines of a wrapped cell
are joined with "" (a Chinese line break is not a word break), so no space is
ever invented.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

BBox = tuple[float, float, float, float]
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass
class GridCell:
    """One drawn cell: its bbox (x0, top, x1, bottom), text, and whether the text fills it."""

    bbox: BBox
    text: str
    at_edge: bool = False  # the last line runs up to the right border


@dataclass
class GridRow:
    """One pdfplumber table row; ``cells`` in column order, None where a merged cell covers it."""

    top: float
    bottom: float
    cells: list[Optional[GridCell]]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells if c is not None and c.text)

    def present(self) -> list[GridCell]:
        return [c for c in self.cells if c is not None]


@dataclass
class Grid:
    """A ruled table of one page."""

    page: int  # 1-based
    bbox: BBox
    rows: list[GridRow] = field(default_factory=list)


class CharIndex:
    """The page's characters sorted by top, for fast lookup by bbox."""

    def __init__(self, chars: list[dict]):
        self.chars = sorted(chars, key=lambda c: c["top"])
        self.tops = [c["top"] for c in self.chars]

    def inside(self, bbox: BBox) -> list[dict]:
        """Characters whose centre lies inside bbox."""
        x0, top, x1, bottom = bbox
        # a glyph is at most a few points tall; start a little above the cell
        lo = bisect.bisect_left(self.tops, top - 30)
        hi = bisect.bisect_right(self.tops, bottom)
        found = []
        for char in self.chars[lo:hi]:
            cx = (char["x0"] + char["x1"]) / 2
            cy = (char["top"] + char["bottom"]) / 2
            if x0 <= cx <= x1 and top <= cy <= bottom:
                found.append(char)
        return found

    def above(self, y: float) -> list[dict]:
        """Characters whose centre is above y (a page title, a 续表 mark)."""
        return [c for c in self.chars[: bisect.bisect_right(self.tops, y)] if (c["top"] + c["bottom"]) / 2 < y]


def text_lines(chars: list[dict]) -> list[list[dict]]:
    """Group characters into lines (top to bottom), each sorted left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= 0.5 * max(char["size"], 1.0):
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def cell_text(chars: list[dict]) -> tuple[str, list[list[dict]]]:
    """The cell's text: its lines joined with "" and every drawn space kept."""
    lines = text_lines(chars)
    return "".join(c["text"] for line in lines for c in line), lines


def reaches_edge(bbox: BBox, lines: list[list[dict]]) -> bool:
    """Whether the cell's last line is filled up to its right border.

    The right padding is taken to equal the left padding (the first glyph's
    distance from the left border); the line is full when less than one glyph
    of room is left, i.e. the next character would not have fitted.
    """
    if not lines:
        return False
    visible = [c for c in lines[-1] if c["text"].strip()]
    if not visible:
        return False
    left_pad = max(0.0, min(c["x0"] for line in lines for c in line) - bbox[0])
    last = visible[-1]
    room = bbox[2] - left_pad - last["x1"]
    return room < max(last["size"], last["x1"] - last["x0"]) * 0.95


def page_grids(page, chars: Optional[CharIndex] = None) -> list[Grid]:
    """Every ruled table pdfplumber finds on a page, with cell texts."""
    chars = chars or CharIndex(page.chars)
    grids = []
    for table in page.find_tables(TABLE_SETTINGS):
        grid = Grid(page=page.page_number, bbox=tuple(table.bbox))
        for row in table.rows:
            cells: list[Optional[GridCell]] = []
            for bbox in row.cells:
                if bbox is None:
                    cells.append(None)
                    continue
                text, lines = cell_text(chars.inside(bbox))
                cells.append(GridCell(bbox=tuple(bbox), text=text, at_edge=reaches_edge(bbox, lines)))
            grid.rows.append(GridRow(top=row.bbox[1], bottom=row.bbox[3], cells=cells))
        grids.append(grid)
    return grids


def grids_from_camelot(source_path: str, page_number: int, page_height: float,
                       chars: CharIndex) -> list[Grid]:
    """The same grids from camelot's lattice parser (OpenCV on a rendered image).

    A fallback for pages where pdfplumber sees no ruling lines (lines drawn as
    an image, or as very thin filled shapes): camelot finds the grid in the
    picture; the text still comes from the page's characters.
    """
    import camelot

    grids = []
    for table in camelot.read_pdf(source_path, pages=str(page_number), flavor="lattice"):
        slots = table.cells  # rows top to bottom, each slot left to right (PDF coordinates)
        boxes: dict[tuple[int, int], list[float]] = {}
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(slots):
            for k, slot in enumerate(row):
                box = [slot.x1, page_height - slot.y2, slot.x2, page_height - slot.y1]
                # a slot without its left (top) border belongs to the cell on its left (above)
                if k > 0 and not slot.left:
                    anchor = owner[(r, k - 1)]
                elif r > 0 and not slot.top:
                    anchor = owner[(r - 1, k)]
                else:
                    anchor = (r, k)
                owner[(r, k)] = anchor
                if anchor == (r, k):
                    boxes[anchor] = box
                else:
                    a = boxes[anchor]
                    boxes[anchor] = [min(a[0], box[0]), min(a[1], box[1]), max(a[2], box[2]), max(a[3], box[3])]
        x0, y0, x1, y1 = table._bbox
        grid = Grid(page=page_number, bbox=(x0, page_height - y1, x1, page_height - y0))
        for r, row in enumerate(slots):
            cells: list[Optional[GridCell]] = []
            for k in range(len(row)):
                if owner[(r, k)] != (r, k):
                    cells.append(None)
                    continue
                box = tuple(boxes[(r, k)])
                text, lines = cell_text(chars.inside(box))
                cells.append(GridCell(bbox=box, text=text, at_edge=reaches_edge(box, lines)))
            grid.rows.append(GridRow(top=page_height - row[0].y2, bottom=page_height - row[0].y1, cells=cells))
        grids.append(grid)
    return grids


def pdfium_chars(document, page_index: int, page_height: float) -> list[dict]:
    """A page's characters as read by pdfium, in pdfplumber's dict shape.

    Used when pdfminer cannot map a page's glyphs to text (it shows "(cid:N)")
    but pdfium can, as with CID fonts in some encrypted files. Characters that
    pdfium generates itself (line breaks, inferred spaces) are skipped, so the
    text is only what the page draws.
    """
    import pypdfium2.raw as pdfium_c

    from .pdfium_fonts import machine_fonts_hidden

    with machine_fonts_hidden():
        return _pdfium_chars(pdfium_c, document, page_index, page_height)


def _pdfium_chars(pdfium_c, document, page_index: int, page_height: float) -> list[dict]:
    page = document[page_index]
    textpage = page.get_textpage()
    chars = []
    try:
        for i in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
                continue
            text = textpage.get_text_range(i, 1)
            if text in ("", "\r", "\n"):
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage, i)
            chars.append({"text": text, "x0": left, "x1": max(right, left), "size": size,
                          "top": page_height - top if top > bottom else page_height - bottom - size,
                          "bottom": page_height - bottom})
    finally:
        textpage.close()
        page.close()
    return chars
