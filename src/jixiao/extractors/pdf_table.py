"""Any ruled table of a text-layer PDF → positional :class:`~jixiao.model.Grid`s for the layout reader.

The seed's split layout is found page by page in :mod:`.pdf`; every other PDF
(a single table with every column, a budget-system export, a project table, a
self-evaluation) comes here. Nothing in this module knows what a column
means: it finds each ruled table from the page's lines (:mod:`.pdf_lattice`),
merged cells included, puts every character into its cell, and hands the
layout reader one grid per table, a table that runs on over pages (its header
repeated or not) being one grid.

Overflow (issue 12, item 5): a spreadsheet export clips each cell's text to the
cell, and the text layer holds all of it, also the part the page does not show.
Such text is read in full and stays in its own cell: a character is put into
the cell that holds its text object's clip rectangle, not the cell its glyph
happens to lie over, so a line that runs past the right border never lands in
the next column and lines below the bottom border never land in the next row.
A character without a clip goes to the cell under its centre.

Pages are read by :mod:`.pdf_page`: pypdfium2, and the file's own font data for text in a font
the file does not embed (:mod:`.pdf_glyphs`); no pdfminer parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import ErrorItem, Extracted, Grid, GridCell, Provenance
from .base import cluster_values, filing_id, year_from_name
from .pdf_grid import reaches_edge, text_lines
from .pdf_lattice import TOLERANCE, Lattice, find_lattices
from .pdf_page import PageContent, PdfFile, read_page

# A page that may hold the indicator table names its columns; every such table says 指标.
TABLE_WORD = "指标"
STACK_GAP = 24.0  # points: tables this close above one another on a page are one table
CONTINUATION_TEXT = 16  # characters above a table on a new page that still let it continue the last one


@dataclass
class PageTable:
    """One table on one page: its lattice and the characters of each of its cells."""

    page: PageContent
    lattices: list[Lattice]
    cells: list[list[list[dict]]] = field(default_factory=list)  # per lattice, per cell: chars
    above: list[dict] = field(default_factory=list)  # chars above the table, below the one before

    @property
    def top(self) -> float:
        return self.lattices[0].ys[0]

    @property
    def bottom(self) -> float:
        return self.lattices[-1].ys[-1]

    @property
    def xs(self) -> list[float]:
        return sorted({x for lattice in self.lattices for x in lattice.xs})


def page_tables(page: PageContent) -> list[PageTable]:
    """The page's ruled tables, top to bottom, each cell with its characters."""
    lattices = find_lattices(page.horizontal, page.vertical)
    tables: list[PageTable] = []
    for lattice in lattices:
        last = tables[-1] if tables else None
        if last is not None and _stacked(last.lattices[-1], lattice):
            last.lattices.append(lattice)
        else:
            tables.append(PageTable(page=page, lattices=[lattice]))
    if not tables:
        return []
    for table in tables:
        table.cells = [[[] for _ in lattice.cells] for lattice in table.lattices]
    outside: list[dict] = []
    for char in page.chars:
        if not _place(char, tables):
            outside.append(char)
    for k, table in enumerate(tables):
        floor = tables[k - 1].bottom if k else float("-inf")
        table.above = [c for c in outside if floor <= (c["top"] + c["bottom"]) / 2 < table.top]
    return tables


def _stacked(upper: Lattice, lower: Lattice) -> bool:
    """A header-block table drawn just above the indicator table belongs to it."""
    gap = lower.ys[0] - upper.ys[-1]
    overlap = min(upper.xs[-1], lower.xs[-1]) - max(upper.xs[0], lower.xs[0])
    narrower = min(upper.xs[-1] - upper.xs[0], lower.xs[-1] - lower.xs[0])
    return -TOLERANCE <= gap <= STACK_GAP and overlap >= 0.8 * narrower


def _place(char: dict, tables: list[PageTable]) -> bool:
    clip = char.get("clip")
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    if clip is not None:
        # the clip names the cell: its centre is inside that cell, and it does not reach far out of it
        for table in tables:
            for n, lattice in enumerate(table.lattices):
                index = lattice.cell_at((clip[0] + clip[2]) / 2, (clip[1] + clip[3]) / 2)
                if index is not None and _within(clip, lattice.cells[index].bbox):
                    table.cells[n][index].append(char)
                    return True
        # a clip wider than a cell (a page or table clip): the glyph's centre, kept inside the clip
        cx, cy = min(max(cx, clip[0]), clip[2]), min(max(cy, clip[1]), clip[3])
    for table in tables:
        for n, lattice in enumerate(table.lattices):
            index = lattice.cell_at(cx, cy)
            if index is not None:
                table.cells[n][index].append(char)
                return True
    return False


def _within(inner, outer, slack: float = TOLERANCE) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def continues(previous: PageTable, table: PageTable) -> bool:
    """Whether a table at the top of a new page goes on with the last table of the page before:
    the same column lines, and no title of its own above it (a 续表 mark or a page number may be)."""
    if sum(1 for c in table.above if c["text"].strip()) > CONTINUATION_TEXT:
        return False
    a, b = previous.lattices[-1].xs, table.lattices[0].xs
    if abs((a[-1] - a[0]) - (b[-1] - b[0])) > 2 * TOLERANCE or abs(a[0] - b[0]) > 2 * TOLERANCE:
        return False
    shared = sum(1 for x in b if any(abs(x - y) <= TOLERANCE for y in a))
    return shared >= 0.6 * min(len(a), len(b))


# ---------------------------------------------------------------------------- grids

def line_text(line: list[dict]) -> str:
    """A line of free text: a gap wider than a glyph is a space (a title's 单位：万元 after the name)."""
    out: list[str] = []
    for k, char in enumerate(line):
        if k and char["x0"] - line[k - 1]["x1"] > max(char["size"], 1.0) and out[-1] != " ":
            out.append(" ")
        out.append(char["text"])
    return "".join(out).strip()


def cell_reading(chars: list[dict], bbox) -> tuple[str, Optional[bool]]:
    """A cell's text (lines joined with "", every drawn space kept) and whether it fills the cell.

    Text read beyond the visible cell (clipped overflow) is complete: not at capacity; so is text
    that stops short of the cell's right border (the text layer holds the whole cell)."""
    lines = text_lines(chars)
    text = "".join(c["text"] for line in lines for c in line)
    if not text:
        return "", None
    if any(c["x1"] > bbox[2] + TOLERANCE or c["bottom"] > bbox[3] + TOLERANCE for c in chars):
        return text, False
    return text, reaches_edge(bbox, lines)


def grid_of(source: str, chain: list[PageTable]) -> Grid:
    """One positional grid of a table and its continuations: columns from the column lines of
    every part, so that a cell's col and col_span are the same on every page."""
    xs = cluster_values([x for part in chain for x in part.xs], TOLERANCE)

    def column(x: float) -> int:
        return min(range(len(xs)), key=lambda k: abs(xs[k] - x))

    cells: list[GridCell] = []
    offset = 0
    for part in chain:
        for lattice, chars_of in zip(part.lattices, part.cells):
            for cell, chars in zip(lattice.cells, chars_of):
                text, at_capacity = cell_reading(chars, cell.bbox)
                col = column(cell.bbox[0])
                cells.append(GridCell(
                    text=text, row=offset + cell.row, col=col, row_span=cell.row_span,
                    col_span=max(1, column(cell.bbox[2]) - col),
                    provenance=Provenance(file=source, page=part.page.number,
                                          bbox=tuple(round(v, 2) for v in cell.bbox)),
                    at_capacity=at_capacity))
            offset += len(lattice.ys) - 1
    first = chain[0]
    lines = [text for line in text_lines(first.above) if (text := line_text(line))]
    return Grid(source=source, form="pdf", cells=cells, positional=True,
                lines=list(enumerate(lines, start=1)))


# ---------------------------------------------------------------------------- entry point

def read_tables(source: str, pdf: PdfFile, numbers: list[int], page_count: int) -> list[Grid]:
    """Grids of the ruled tables on the given 1-based pages, and of their continuations on the
    pages that follow them (of the first ``page_count``)."""
    import pypdfium2 as pdfium

    candidates = set(numbers)
    chains: list[list[PageTable]] = []
    last: Optional[PageTable] = None  # the table a table at the top of the next page may continue
    last_number = 0
    for number in range(1, page_count + 1):
        wanted = number in candidates
        follows = last is not None and last_number == number - 1
        if not wanted and not follows:
            continue
        try:
            tables = page_tables(read_page(pdf, number - 1))
        except pdfium.PdfiumError:  # a broken page object: the caller has warned about it
            last = None
            continue
        kept: list[PageTable] = []
        for k, table in enumerate(tables):
            if k == 0 and follows and last is not None and continues(last, table):
                chains[-1].append(table)
                kept.append(table)
            elif wanted:
                chains.append([table])
                kept.append(table)
        last = kept[-1] if kept and tables and kept[-1] is tables[-1] else None
        last_number = number
    return [grid_of(source, chain) for chain in chains]


def extract_tables(source: str, pdf: PdfFile, numbers: list[int],
                   errors: list[ErrorItem], pages: list[dict]) -> Optional[Extracted]:
    """The PDF's tables as an :class:`Extracted` for the layout reader, or None when the pages hold
    no ruled table."""
    grids = read_tables(source, pdf, numbers, len(pages))
    if not grids:
        return None
    return Extracted(filing=filing_id(pdf.data), source=source, route="pdf", grids=grids, errors=list(errors),
                     year_hint=year_from_name(source), pages=pages)


# ---------------------------------------------------------------------------- the seed's layout, fast

def seed_page_grids(pdf: PdfFile, number: int):
    """The page's ruled tables in :mod:`.pdf_grid`'s shape, for the split-layout reader, read with
    pypdfium2 alone (pdfminer's parse under pdfplumber took most of a PDF's time): the page's
    :class:`~.pdf_grid.CharIndex` and its grids, top to bottom."""
    from .pdf_grid import CharIndex, Grid as PageGrid, GridCell as PageCell, GridRow, cell_text

    page = read_page(pdf, number - 1)
    grids = []
    for table in page_tables(page):
        for lattice, chars_of in zip(table.lattices, table.cells):
            grid = PageGrid(page=number, bbox=lattice.bbox)
            anchors = {(cell.row, cell.col): k for k, cell in enumerate(lattice.cells)}
            for r in range(len(lattice.ys) - 1):
                cells: list[Optional[PageCell]] = []
                for c in range(len(lattice.xs) - 1):
                    k = anchors.get((r, c))
                    if k is None:
                        cells.append(None)  # a merged cell above or to the left covers this slot
                        continue
                    bbox = lattice.cells[k].bbox
                    text, lines = cell_text(chars_of[k])
                    cells.append(PageCell(bbox=bbox, text=text, at_edge=reaches_edge(bbox, lines)))
                grid.rows.append(GridRow(top=lattice.ys[r], bottom=lattice.ys[r + 1], cells=cells))
            grids.append(grid)
    return CharIndex(page.chars), grids
