"""What the HTML and DOCX extractors share: a document as blocks in reading order → grids.

A page or a Word file is a sequence of blocks: paragraphs (title, 填报单位,
goals, sign-off) and tables. Lines are numbered in that reading order, one per
paragraph and one per table row, so that a cell's ``provenance.line`` and the
numbers of ``Grid.lines`` compare: the layout reader reads the title, year and
goals from the lines before the header row. Every table becomes a grid (the
reader picks the one it understands), and every grid carries all the lines of
the document, so a title above the table or in a merged first row is seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Union

from ..model import Grid, GridCell, Provenance
from ..model.errors import MergedAreaTooLarge, TableTooLarge, TooManyLines, TooManyTables
from .limits import require

_CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


@dataclass
class TableCell:
    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


@dataclass
class Table:
    cells: list[TableCell]
    caption: Optional[str] = None


Block = Union[str, Table]


def join_lines(text: str) -> str:
    """A cell's text with its line breaks removed: a break between two Chinese characters is
    only where the cell wrapped (``年度主要目标<br>和成果``); elsewhere it becomes a space."""
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    parts = [re.sub(r"[ \t\r\f\v]+", " ", part).strip() for part in text.split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0])):
            out += " "
        out += part
    return out


MAX_SPAN = 1000
"""The most columns one cell spans: HTML's own cap on colspan (browsers apply it), and ours on gridSpan."""


def check_spans(source: str, rows: list[list[tuple[str, int, int]]], what: str) -> None:
    """The budgets of a table given as rows of (text, row_span, col_span), before :func:`place` lays it
    out: its rows × columns (``max_cells``) and the cells its spans cover (``max_merged_cells``), spans
    capped as :func:`place` caps them. Issue 23: 2,000 cells of rowspan=colspan=100000 took 3.6 GB."""
    n_rows = len(rows)
    width = merged = 0
    for r, row in enumerate(rows):
        spans = [(max(1, min(rs, n_rows - r)), max(1, min(cs, MAX_SPAN))) for _, rs, cs in row]
        width = max(width, sum(cs for _, cs in spans))
        merged += sum(rs * cs for rs, cs in spans if rs * cs > 1)
    _require_table(source, n_rows, width, merged, what)


def check_table(source: str, cells: list[TableCell], what: str) -> None:
    """:func:`check_spans` for a table already laid out (a Word table: its cells know their place)."""
    rows = max((c.row + c.row_span for c in cells), default=0)
    width = max((c.col + c.col_span for c in cells), default=0)
    merged = sum(c.row_span * c.col_span for c in cells if c.row_span * c.col_span > 1)
    _require_table(source, rows, width, merged, what)


def _require_table(source: str, rows: int, width: int, merged: int, what: str) -> None:
    require(source, rows * width, "max_cells", TableTooLarge,
            f"{what} spans {rows:,} rows × {width:,} columns = {rows * width:,} cells")
    require(source, merged, "max_merged_cells", MergedAreaTooLarge,
            f"the merged cells of {what} cover {merged:,} cells")


def place(rows: list[list[tuple[str, int, int]]]) -> list[TableCell]:
    """Rows of (text, row_span, col_span) as a table lays them out (HTML's algorithm): a cell
    goes to the first column its row has free, spans reserve the cells they cover (check the
    table's budget first: :func:`check_spans`)."""
    occupied: set[tuple[int, int]] = set()
    out: list[TableCell] = []
    n_rows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in occupied:
                c += 1
            row_span = max(1, min(row_span, n_rows - r))
            col_span = max(1, min(col_span, MAX_SPAN))
            for rr in range(r, r + row_span):
                for cc in range(c, c + col_span):
                    occupied.add((rr, cc))
            out.append(TableCell(text, r, c, row_span, col_span))
            c += col_span
    return out


def grids_from_blocks(source: str, form: str, blocks: list[Block]) -> list[Grid]:
    """One grid per table that has any text, each with every line of the document."""
    lines: list[tuple[int, str]] = []
    placed: list[tuple[Table, dict[int, int]]] = []  # table, its row → line number
    number = 0
    for block in blocks:
        if isinstance(block, str):
            if block.strip():
                number += 1
                lines.append((number, block.strip()))
            continue
        row_lines: dict[int, int] = {}
        by_row: dict[int, list[TableCell]] = {}
        for cell in block.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for row in sorted(by_row):
            text = " ".join(c.text for c in sorted(by_row[row], key=lambda c: c.col) if c.text)
            number += 1
            row_lines[row] = number
            if text:
                lines.append((number, text))
        placed.append((block, row_lines))
    require(source, number, "max_lines", TooManyLines,
            f"the document has {number:,} lines (paragraphs and table rows)")
    require(source, len(placed), "max_tables", TooManyTables, f"the document has {len(placed):,} tables")
    # every grid carries every line, as one list validated once and shared (read only): a copy per grid
    # was tables × lines tuples
    shared = Grid(source=source, form=form, lines=lines).lines
    grids = []
    for table, row_lines in placed:
        cells = [GridCell(text=c.text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
                          provenance=Provenance(file=source, line=row_lines[c.row]),
                          at_capacity=False)  # the document holds the whole cell: nothing is cut off
                 for c in table.cells if c.text]
        if cells:
            grid = Grid(source=source, form=form, cells=cells, positional=True, name=table.caption)
            grid.lines = shared
            grids.append(grid)
    return grids
