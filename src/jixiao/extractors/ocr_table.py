"""Scanned tables of any layout → positional :class:`~jixiao.model.Grid`s for the layout reader.

The seed's split layout (three column groups, each under its own header block)
is read page by page in :mod:`.ocr`, a fragment grid per page (:mod:`.ocr_assemble`). Every other ruled
table (a budget-system export, a merged-cell spreadsheet, a project table, a
single table, a self-evaluation; issue 12) is read here as cells only: each
cell of the OCR lattice (:mod:`.grid`) with its text, its row and column,
merged cells as spans, page and bbox (PDF points) as provenance and the
recogniser's mean score as ``ocr_confidence``. What the columns mean is the
layout reader's job (:func:`jixiao.reader.read_layout`).

The one thing read here by column is the shape of one-glyph marks
(``ocr_marks``): the recogniser reads most ≥ and ≤ as "M" or "#", so the cells
under a header the vocabulary names 指标值类型/指标性质, 指标值, 计量单位 or
分值/权重 are read with the same corrections as the seed's columns. A column is
named by where its header cell stands on the page (x overlap), so the names
hold on a continuation page that repeats no header.

A table that runs on over pages is one grid (rows offset page by page, columns
from the column lines of every part), as :mod:`.pdf_table` does for a text-layer
PDF: the layout reader reads one grid per table and skips repeated header rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from rapidfuzz.distance import Levenshtein

from ..layout.vocabulary import FIELDS, match_header, normalise, printed_header_names
from ..model import Cell, Extracted, Grid, GridCell, PageRoute
from .base import cluster_values, year_from_name
from .grid import GridCell as LatticeCell
from .grid import Table
from .ocr_fixes import header_kind, normalise_header_text

CONTINUATION_TEXT = 16  # characters above a table on a new page that still let it continue the last one
_FRAGMENT = {spec.name: spec.fragment for spec in FIELDS}


@dataclass(frozen=True)
class ColumnName:
    """A header cell's horizontal extent (pixels of its page) and the field it names ("" for none)."""

    x0: float
    x1: float
    name: str


_SPECKS = re.compile(r"^[.。,，·・'`:：;；_\-—]+|[.。,，·・'`;；_\-—]+$")


def header_text(text: str) -> str:
    """A column-header cell with the recogniser's slips undone (一级 read as -级, 评(扣) misread, a
    speck beside the words read as "." or "·", one character dropped or misread: 计单位, 指标值类梨)
    when that makes it a name the vocabulary knows; otherwise the text as read. A slip is undone
    only towards one name of four characters or more: 某级指标 is as near 一级 as 二级 and stays."""
    if match_header(text) is not None:
        return text
    fixed = _SPECKS.sub("", normalise_header_text(text))
    if not fixed:
        return text
    if match_header(fixed) is not None:
        return fixed
    cell = normalise(fixed)
    near = {normalise(name) for name in printed_header_names()
            if len(normalise(name)) >= 4 and Levenshtein.distance(normalise(name), cell, score_cutoff=1) <= 1}
    if len(near) == 1:
        name = near.pop()
        if match_header(name) is not None:
            return name
    return text


def header_names(header: Sequence[tuple[LatticeCell, str]]) -> list[ColumnName]:
    """The field each column-header cell names, by the layout vocabulary."""
    out = []
    for cell, text in header:
        match = match_header(header_text(text)) if text.strip() else None
        out.append(ColumnName(cell.x0, cell.x1, match.spec.name if match is not None else ""))
    return out


def is_whole_table(columns: Sequence[ColumnName]) -> bool:
    """Whether a column-header row heads a whole table rather than one of the seed's fragments:
    it names fields of more than one of the seed's column groups (一级指标 … beside 指标解释, 分值,
    权重, 指标方向性 …), or fields the seed never has (实际完成值, 得分, 偏差原因 …)."""
    named = {c.name for c in columns if c.name}
    seed_only = {"level1", "level2", "level3", "operator", "target", "unit", "explanation", "scoring_rule",
                 "score", "remark"}
    return len({_FRAGMENT[name] for name in named}) > 1 or bool(named - seed_only)


def column_of(cell: LatticeCell, columns: Sequence[ColumnName]) -> str:
    """The field of the header column a body cell stands under: the one holding most of its width,
    when that is most of it (a header-block cell spanning several columns is under none)."""
    width = max(1.0, cell.x1 - cell.x0)
    best, share = "", 0.0
    for column in columns:
        overlap = (min(cell.x1, column.x1) - max(cell.x0, column.x0)) / width
        if overlap > share:
            best, share = column.name, overlap
    return best if share >= 0.8 else ""


def body_names(table: Table, columns: Sequence[ColumnName], header_rows: set[int]) -> dict[LatticeCell, str]:
    """The column of each cell below the (last) header row; header rows and rows above them get none."""
    last = max(header_rows, default=-1)
    return {cell: "" if cell.row <= last or cell.row in header_rows else column_of(cell, columns)
            for cell in table.cells}


def looks_like_header(texts: Sequence[str]) -> bool:
    """A repeated column-header row (a continuation page's)."""
    return header_kind(list(texts)) is not None


@dataclass
class TablePart:
    """One page's part of a scanned table: its lattice, each cell's reading, what stands above it."""

    page: int
    table: Table
    cells: dict[LatticeCell, Cell]
    lines: list[tuple[float, str]] = field(default_factory=list)  # text lines above it, outside tables: (y, text)
    blocks: list[tuple[Table, dict[LatticeCell, Cell]]] = field(default_factory=list)  # ruled tables above it
    columns: list[ColumnName] = field(default_factory=list)
    to_points: Optional[object] = None

    @property
    def above(self) -> list[str]:
        """Everything read above the table, top-down: its lines and the rows of the tables above."""
        rows = [(table.ys[row[0].row], " ".join(cells[c].text for c in row if cells[c].text.strip()))
                for table, cells in self.blocks for row in table.rows()]
        return [text for _, text in sorted([*self.lines, *rows], key=lambda item: item[0])]


def continues(previous: TablePart, part: TablePart, tolerance: float) -> bool:
    """Whether a table on a new page goes on with the one before: little text above it (a 续表 mark,
    a page number) and the same width and left edge."""
    if sum(len(line.replace(" ", "")) for line in part.above) > CONTINUATION_TEXT:
        return False
    a, b = previous.table.xs, part.table.xs
    return abs((a[-1] - a[0]) - (b[-1] - b[0])) <= 2 * tolerance and abs(a[0] - b[0]) <= 2 * tolerance


class ReadingOrder:
    """Line numbers in reading order over a scan's pages, as a web page's or a Word file's count
    paragraphs and table rows: every text line and table row of a page gets the next number, top-down,
    so that the layout reader can tell what stands above a table (its header block) as it does there."""

    def __init__(self) -> None:
        self.next = 1
        self.rows: dict[tuple[int, int], int] = {}  # (id of a Table, elementary row) → line
        self.texts: dict[tuple[int, float], int] = {}  # (page, y of a text line) → line

    def number(self, part: TablePart) -> None:
        items: list[tuple[float, tuple]] = [(y, ("text", y)) for y, _ in part.lines]
        for table in [part.table, *(t for t, _ in part.blocks)]:
            items += [(table.ys[row], ("row", id(table), row)) for row in range(len(table.ys) - 1)]
        for _, key in sorted(items, key=lambda item: item[0]):
            if key[0] == "text":
                self.texts[(part.page, key[1])] = self.next
            else:
                self.rows[(key[1], key[2])] = self.next
            self.next += 1

    def line(self, table: Table, row: int) -> Optional[int]:
        return self.rows.get((id(table), row))


def _cell(read: Cell, row: int, col: int, row_span: int, col_span: int, line: Optional[int]) -> GridCell:
    provenance = read.provenance.model_copy(update={"line": line})
    return GridCell(text=read.text, row=row, col=col, row_span=row_span, col_span=col_span, provenance=provenance,
                    ocr_confidence=read.ocr_confidence)


def grid_of(source: str, chain: list[TablePart], tolerance: float, order: Optional[ReadingOrder] = None) -> Grid:
    """One positional grid of a table and its continuations; a cell's col and col_span are the
    same on every page (columns from the column lines of every part), its line its row's place in
    the reading order (``order``)."""
    xs = cluster_values([x for part in chain for x in part.table.xs], tolerance)

    def column(x: float) -> int:
        return min(range(len(xs)), key=lambda k: abs(xs[k] - x))

    cells: list[GridCell] = []
    offset = 0
    for part in chain:
        for lattice_cell in part.table.cells:
            read = part.cells.get(lattice_cell)
            if read is None:
                continue
            col = column(lattice_cell.x0)
            line = order.line(part.table, lattice_cell.row) if order is not None else None
            cells.append(_cell(read, offset + lattice_cell.row, col, lattice_cell.row_span,
                               max(1, column(lattice_cell.x1) - col), line))
        offset += len(part.table.ys) - 1
    first = chain[0]
    if order is not None:
        lines = [(order.texts[(first.page, y)], text) for y, text in first.lines if text.strip()]
    else:
        lines = list(enumerate([text for text in first.above if text.strip()], start=1))
    return Grid(source=source, form="ocr", cells=cells, positional=True, lines=lines)


def block_grid(source: str, table: Table, cells: dict[LatticeCell, Cell], order: ReadingOrder) -> Grid:
    """A ruled table above an indicator table (a header block of its own) as a grid of its own."""
    return Grid(source=source, form="ocr", positional=True,
                cells=[_cell(read, c.row, c.col, c.row_span, c.col_span, order.line(table, c.row))
                       for c, read in cells.items()])


def chains_of(parts: list[tuple[TablePart, bool]], tolerance: float) -> list[list[TablePart]]:
    """Parts grouped into tables: a part with its own header starts a table unless it continues the
    one before on the page before; a part without one continues the one before, or is dropped."""
    chains: list[list[TablePart]] = []
    for part, has_header in parts:
        last = chains[-1][-1] if chains else None
        follows = last is not None and last.page == part.page - 1 and continues(last, part, tolerance)
        if follows:
            chains[-1].append(part)
        elif has_header:
            chains.append([part])
    return chains


def extracted(source: str, filing_id: str, chains: list[list[TablePart]], pages: list[PageRoute],
              errors: list, tolerance: float) -> Extracted:
    """The scan's tables as an :class:`Extracted` for the layout reader: a grid per table (with its
    continuations), and one per ruled header block above a table's first part; line numbers in
    reading order over the pages."""
    order = ReadingOrder()
    for part in sorted((part for chain in chains for part in chain), key=lambda part: part.page):
        order.number(part)
    grids = []
    for chain in chains:
        grids += [block_grid(source, table, cells, order) for table, cells in chain[0].blocks]
        grids.append(grid_of(source, chain, tolerance, order))
    return Extracted(filing=filing_id, source=source, route="ocr", grids=grids, errors=list(errors),
                     year_hint=year_from_name(source), pages=list(pages))


def keeps_section(name: str, text: str) -> bool:
    """A 一级/二级 cell holding a section's score range (产出指标(60分), 产出指标 (30-40)分) is left as
    read: the names-only correction would cut the range in half. A figure with neither 分 nor a
    bracket (产出指标.0.: specks and a ruling line's end read as text) is no range."""
    return name in ("level1", "level2") and bool(re.search(r"\d\s*[)）]?\s*分|[（(]\s*\d", text))


__all__ = ["ColumnName", "ReadingOrder", "TablePart", "block_grid", "body_names", "chains_of", "column_of",
           "extracted", "grid_of",
           "header_names", "header_text", "is_whole_table", "keeps_section", "looks_like_header"]
