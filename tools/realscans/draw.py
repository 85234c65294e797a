"""Drawing a filing's sheets as page images with PIL, in AR PL UMing: not the project's reportlab + pdfium.

The project's scan generator draws its pages with reportlab in WenQuanYi Zen Hei (a sans face) and
rasterises them with pdfium. Here every glyph and every ruling line is drawn by PIL's own rasteriser,
in a Song (Ming) face, the one government offices print in, with other cell paddings, line weights,
wrapping and merged-cell placement. A page is A4 (landscape for a wide table) at the scan's resolution.

What is drawn and where is kept (:class:`Page`): the ruled tables' outer boxes, the cells of the last
rows (the seal goes over them), and where the signature goes (after 单位负责人:).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from PIL import Image, ImageDraw, ImageFont

from .tables import Column, Sheet

FONT_FILE = "/usr/share/fonts/truetype/arphic/uming.ttc"  # apt-get install fonts-arphic-uming
KAI_FILE = "/usr/share/fonts/truetype/arphic/ukai.ttc"  # apt-get install fonts-arphic-ukai (signatures)
A4_INCHES = (8.27, 11.69)
MARGIN_IN = 0.6
BODY_PT, TITLE_PT, SMALL_PT = 10.0, 16.0, 10.0
PAD_PT = 3.0  # inside a cell, around its text
LEADING = 1.3


@lru_cache(maxsize=32)
def font(size_px: int, kai: bool = False) -> ImageFont.FreeTypeFont:
    """AR PL UMing CN (or UKai CN) at a pixel size."""
    return ImageFont.truetype(KAI_FILE if kai else FONT_FILE, size_px, index=0)


class Surface:
    """Where a page is drawn: a PIL image (a scan's page) or a reportlab PDF page (``cidpdf``), in
    pixels from the top-left corner. Text is measured and placed with PIL's metrics of the same face
    at the same size, so both give the same layout."""

    def __init__(self, size: tuple[int, int]):
        self.size = size
        self.image = Image.new("RGB", size, (255, 255, 255))
        self._draw = ImageDraw.Draw(self.image)

    def text(self, x: float, y: float, text: str, size_px: int, *, bold: bool = False) -> None:
        """``text`` with its em box's top-left corner at (x, y)."""
        self._draw.text((x, y), text, font=font(size_px), fill=(0, 0, 0), stroke_width=1 if bold else 0,
                        stroke_fill=(0, 0, 0))

    def rect(self, box: tuple[float, float, float, float], width: int) -> None:
        self._draw.rectangle(box, outline=(0, 0, 0), width=width)


def measure(text: str, size_px: int) -> float:
    return font(size_px).getlength(text)


@dataclass
class Cell:
    """A cell of a drawn grid: rows r0..r1-1, columns c0..c1-1 (elementary), its text and alignment."""

    r0: int
    c0: int
    r1: int
    c1: int
    text: str
    align: str = "center"


@dataclass
class Page:
    """One drawn page and where things are on it (pixels)."""

    image: Optional[Image.Image]  # None for a PDF page (cidpdf)
    dpi: int
    tables: list[tuple[int, int, int, int]] = field(default_factory=list)  # outer boxes, top-down
    last_cells: list[tuple[int, int, int, int]] = field(default_factory=list)  # the last rows' cells
    signature_at: Optional[tuple[int, int]] = None  # left end and baseline of the signature


class Pen:
    """Sizes in pixels for a page at ``dpi``, and text wrapping in the body font."""

    def __init__(self, dpi: int, body_pt: float = BODY_PT):
        self.dpi = dpi
        self.px = dpi / 72.0
        self.size = round(body_pt * self.px)
        self.line = round(body_pt * self.px * LEADING)
        self.pad = round(PAD_PT * self.px)
        self.rule = max(1, round(0.6 * self.px))

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of ``text`` that fit ``width`` pixels, broken between any two characters (as Chinese
        is), and at every line break the text holds."""
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for ch in para:
                if line and measure(line + ch, self.size) > width:
                    lines.append(line)
                    line = ""
                line += ch
            lines.append(line)
        return lines

    def height(self, text: str, width: float) -> int:
        return len(self.wrap(text, width - 2 * self.pad)) * self.line + 2 * self.pad


def _spans(rows: list[list[Optional[str]]]) -> list[Cell]:
    """Cells of body rows where None is covered by the cell above (merged); a group cut by a page
    break shows its text again on the page's first row (the caller fills it in)."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            r1 = r + 1
            while r1 < len(rows) and rows[r1][c] is None:
                r1 += 1
            cells.append(Cell(r, c, r1, c + 1, text, "center" if len(text) <= 12 else "left"))
    return cells


def _row_cells(row: list[Optional[str]], r: int) -> list[Cell]:
    """A row whose None cells are covered by the cell to their left (a closing 总分 row)."""
    cells: list[Cell] = []
    for c, text in enumerate(row):
        if text is None and cells:
            cells[-1].c1 = c + 1
        else:
            cells.append(Cell(r, c, r + 1, c + 1, text or ""))
    return cells


def _block_cells(block: list[list[str]], xs_count: int, r0: int, split_at: tuple[int, int, int]) -> list[Cell]:
    """Header block rows inside a grid: a label over the first columns, its value over the rest (a
    row of two pairs over the four quarters ``split_at``); a lone label over the whole row."""
    a, b, c = split_at
    cells = []
    for k, row in enumerate(block):
        r = r0 + k
        if len(row) == 1:
            cells.append(Cell(r, 0, r + 1, xs_count, row[0], "left"))
        elif len(row) == 2:
            cells += [Cell(r, 0, r + 1, a, row[0]), Cell(r, a, r + 1, xs_count, row[1], "left")]
        else:
            cells += [Cell(r, 0, r + 1, a, row[0]), Cell(r, a, r + 1, b, row[1], "left"),
                      Cell(r, b, r + 1, c, row[2]), Cell(r, c, r + 1, xs_count, row[3], "left")]
    return cells


class GridDrawer:
    """Lays out and draws one ruled grid: columns at ``xs``, rows as tall as their text needs."""

    def __init__(self, pen: Pen, xs: list[float]):
        self.pen, self.xs = pen, xs

    def heights(self, cells: list[Cell], rows: int) -> list[int]:
        """Each row's height: its one-row cells' text, then taller rows for a merged cell's text."""
        heights = [self.pen.line + 2 * self.pen.pad] * rows
        for cell in cells:
            if cell.r1 - cell.r0 == 1:
                heights[cell.r0] = max(heights[cell.r0], self.pen.height(cell.text, self._width(cell)))
        for cell in cells:
            need = self.pen.height(cell.text, self._width(cell)) - sum(heights[cell.r0:cell.r1])
            if cell.r1 - cell.r0 > 1 and need > 0:
                heights[cell.r1 - 1] += need
        return heights

    def _width(self, cell: Cell) -> float:
        return self.xs[cell.c1] - self.xs[cell.c0]

    def draw(self, canvas: Surface, cells: list[Cell], top: float, heights: list[int]) -> list[float]:
        """Draw the cells' borders and text from ``top``; the rows' y positions."""
        ys = [top]
        for h in heights:
            ys.append(ys[-1] + h)
        for cell in cells:
            box = (self.xs[cell.c0], ys[cell.r0], self.xs[cell.c1], ys[cell.r1])
            canvas.rect(box, self.pen.rule)
            self._text(canvas, cell, box)
        return ys

    def _text(self, canvas: Surface, cell: Cell, box) -> None:
        pen = self.pen
        lines = pen.wrap(cell.text, box[2] - box[0] - 2 * pen.pad)
        y = (box[1] + box[3]) / 2 - len(lines) * pen.line / 2
        for line in lines:
            width = measure(line, pen.size)
            x = box[0] + pen.pad if cell.align == "left" else (box[0] + box[2] - width) / 2
            canvas.text(x, y + (pen.line - pen.size) / 2, line, pen.size)
            y += pen.line


def column_xs(columns: list[Column], left: float, width: float, row_label: bool) -> list[float]:
    """Column boundaries over ``width``: by the columns' weights, a narrow first column for a row label."""
    weights = ([0.45] if row_label else []) + [c.weight for c in columns]
    total = sum(weights)
    xs = [left]
    for w in weights:
        xs.append(xs[-1] + width * w / total)
    return xs


def elementary(columns: list[float], attached: bool) -> tuple[list[float], list[int], tuple[int, int, int]]:
    """The grid's elementary column boundaries: the printed columns' and, for a header block inside
    the grid, where its rows split (15 %, 50 %, 65 % of the width, or the column line near it), as a
    spreadsheet merges cells over both. Returns them, each printed boundary's index among them, and
    the block's three split indices."""
    left, width = columns[0], columns[-1] - columns[0]
    xs = list(columns)
    if attached:
        for share in (0.15, 0.5, 0.65):
            x = left + share * width
            if min(abs(x - c) for c in xs) > 0.04 * width:
                xs.append(x)
    xs.sort()

    def at(share: float) -> int:
        return min(range(1, len(xs) - 1), key=lambda k: abs(xs[k] - left - share * width), default=1)
    a = at(0.15)
    b = max(a + 1, at(0.5))
    c = max(b + 1, at(0.65))
    return xs, [xs.index(x) for x in columns], (a, min(b, len(xs) - 1), min(c, len(xs) - 1))


def page_size(sheet: Sheet, dpi: int) -> tuple[int, int]:
    """A4 in pixels: landscape for a table of seven columns or more."""
    w, h = A4_INCHES
    if len(sheet.columns) >= 7:
        w, h = h, w
    return round(w * dpi), round(h * dpi)


# ------------------------------------------------------------------ sheets to pages

class SheetDrawer:
    """Draws one sheet on as many pages as its rows need: title and header block on the first page,
    "（续表）" and (when the template repeats it) the column-header row on the next ones; a merged
    group cut by a page break shows its text again; the closing row and the footer on the last."""

    def __init__(self, sheet: Sheet, dpi: int, body_pt: float = BODY_PT, surface=Surface):
        self.sheet, self.dpi, self.surface = sheet, dpi, surface
        self.pen = Pen(dpi, body_pt)
        self.size = page_size(sheet, dpi)
        self.margin = round(MARGIN_IN * dpi)
        columns = column_xs(sheet.columns, self.margin, self.size[0] - 2 * self.margin, bool(sheet.row_label))
        self.offset = 1 if sheet.row_label else 0
        self.small = round(SMALL_PT * self.pen.px)
        attached = bool(sheet.block) and not sheet.block_apart
        self.xs, self.edges, self.quarters = elementary(columns, attached)

    def pages(self, first_number: int = 1) -> list[Page]:
        out, start = [], 0
        while start < len(self.sheet.body) or not out:
            page, start = self._page(start, first=not out, number=first_number + len(out))
            out.append(page)
        return out

    def _page(self, start: int, *, first: bool, number: int) -> tuple[Page, int]:
        canvas = self.surface(self.size)
        page = Page(getattr(canvas, "image", None), self.dpi)
        y = self._top(canvas, first, page)
        head = self._head_cells(first)
        stop = self._fit(start, y + self._rows_height(head), first)
        cells = head + self._body_cells(start, stop, len(self._head_rows(first)))
        last = stop >= len(self.sheet.body)
        if last and self.sheet.total:
            total = [self._shift(c) for c in _row_cells(self.sheet.total, self._row_count(cells))]
            total[0].c0 = 0  # under the row label too
            cells += total
        cells += self._label_cells(first, stop - start)
        drawer = GridDrawer(self.pen, self.xs)
        ys = drawer.draw(canvas, cells, y, drawer.heights(cells, self._row_count(cells)))
        page.tables.append((round(self.xs[0]), round(ys[0]), round(self.xs[-1]), round(ys[-1])))
        page.last_cells = [(round(self.xs[c.c0]), round(ys[c.r0]), round(self.xs[c.c1]), round(ys[c.r1]))
                           for c in cells if c.r1 >= len(ys) - 3]
        if last:
            self._footer(canvas, ys[-1], page)
        self._number(canvas, number)
        if hasattr(canvas, "finish"):
            canvas.finish()
        return page, stop

    # -- what stands above the grid
    def _top(self, canvas: Surface, first: bool, page: Page) -> float:
        """Title, subtitle and (a header block drawn apart) its own table on the first page; 续表 on
        the others. Returns where the indicator grid starts."""
        y = float(self.margin)
        if not first:
            canvas.text(self.margin, y, "(续表)", self.small)
            return y + 1.6 * self.pen.line
        title = round(TITLE_PT * self.pen.px)
        canvas.text((self.size[0] - measure(self.sheet.title, title)) / 2, y, self.sheet.title, title, bold=True)
        y += 1.8 * title
        for line in self.sheet.subtitle:
            x = (self.size[0] - measure(line, self.small)) / 2 if line.startswith("(") else \
                self.size[0] - self.margin - measure(line, self.small)
            canvas.text(x, y, line, self.small)
            y += self.pen.line
        y += 0.4 * self.pen.line
        if self.sheet.block and self.sheet.block_apart:
            y = self._block_apart(canvas, y, page) + 0.8 * self.pen.line
        return y

    def _block_apart(self, canvas: Surface, y: float, page: Page) -> float:
        """The header block as a ruled table of its own, four columns wide."""
        left, right = self.xs[0], self.xs[-1]
        xs = [left + (right - left) * f for f in (0.0, 0.15, 0.5, 0.65, 1.0)]
        cells = _block_cells(self.sheet.block, 4, 0, (1, 2, 3))
        drawer = GridDrawer(self.pen, xs)
        ys = drawer.draw(canvas, cells, y, drawer.heights(cells, len(self.sheet.block)))
        page.tables.append((round(left), round(ys[0]), round(right), round(ys[-1])))
        return ys[-1]

    # -- the grid's rows
    def _head_rows(self, first: bool) -> list[str]:
        rows = ["block"] * len(self.sheet.block) if first and self.sheet.block and not self.sheet.block_apart else []
        return rows + (["header"] if first or self.sheet.repeat_header else [])

    def _head_cells(self, first: bool) -> list[Cell]:
        rows = self._head_rows(first)
        cells = []
        if "block" in rows:
            cells += _block_cells(self.sheet.block, len(self.xs) - 1, 0, self.quarters)
        if "header" in rows:
            r = len(rows) - 1
            cells += [self._shift(Cell(r, k, r + 1, k + 1, c.header)) for k, c in enumerate(self.sheet.columns)]
        return cells

    def _body_cells(self, start: int, stop: int, r0: int) -> list[Cell]:
        rows = [list(row) for row in self.sheet.body[start:stop]]
        if rows and start:
            for c, text in enumerate(rows[0]):
                if text is None:  # a group cut by the page break: its text again
                    rows[0][c] = next(r[c] for r in reversed(self.sheet.body[:start]) if r[c] is not None)
        return [self._shift(Cell(c.r0 + r0, c.c0, c.r1 + r0, c.c1, c.text, c.align)) for c in _spans(rows)]

    def _shift(self, cell: Cell) -> Cell:
        """A cell given by printed column (after the row label) in the grid's elementary columns."""
        return Cell(cell.r0, self.edges[cell.c0 + self.offset], cell.r1, self.edges[cell.c1 + self.offset],
                    cell.text, cell.align)

    def _label_cells(self, first: bool, body_rows: int) -> list[Cell]:
        """The row label (绩效指标) down the first column, over the header and body rows."""
        if not self.sheet.row_label:
            return []
        rows = self._head_rows(first)
        top = rows.index("header") if "header" in rows else len(rows)
        return [Cell(top, 0, len(rows) + body_rows, self.edges[1], self.sheet.row_label)]

    @staticmethod
    def _row_count(cells: list[Cell]) -> int:
        return max((c.r1 for c in cells), default=0)

    def _rows_height(self, cells: list[Cell]) -> float:
        drawer = GridDrawer(self.pen, self.xs)
        return float(sum(drawer.heights(cells, self._row_count(cells))))

    def _fit(self, start: int, y: float, first: bool) -> int:
        """The end of the body rows that fit under ``y`` (at least one), leaving room for the closing
        row and the footer; the template's own break on the first page."""
        room = self.size[1] - self.margin - y - 4 * self.pen.line
        drawer = GridDrawer(self.pen, self.xs)
        stop = start
        while stop < len(self.sheet.body):
            cells = self._body_cells(start, stop + 1, 0)
            if stop > start and sum(drawer.heights(cells, self._row_count(cells))) > room:
                break
            stop += 1
        if first and self.sheet.break_after:
            stop = min(stop, self.sheet.break_after)
        return stop

    # -- under the grid
    def _footer(self, canvas: Surface, y: float, page: Page) -> None:
        y += 0.9 * self.pen.line
        for k, line in enumerate(self.sheet.footer):
            canvas.text(self.margin, y, line, self.small)
            if k == 0 and "单位负责人:" in line:
                page.signature_at = (round(self.margin + measure("单位负责人:", self.small) + 0.3 * self.small),
                                     round(y + self.small))
            y += 1.5 * self.pen.line

    def _number(self, canvas: Surface, number: int) -> None:
        text = f"- {number} -"
        canvas.text((self.size[0] - measure(text, self.small)) / 2, self.size[1] - 0.6 * self.margin, text,
                    self.small)


def draw_filing(sheets: list[Sheet], dpi: int, body_pt: float = BODY_PT, surface=Surface) -> list[Page]:
    """Every sheet of a filing, each from a new page, pages numbered on; ``surface`` makes each page
    (:class:`Surface`: a PIL image)."""
    pages: list[Page] = []
    for sheet in sheets:
        pages += SheetDrawer(sheet, dpi, body_pt, surface).pages(len(pages) + 1)
    return pages
