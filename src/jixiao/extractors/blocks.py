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


def place(rows: list[list[tuple[str, int, int]]]) -> list[TableCell]:
    """Rows of (text, row_span, col_span) as a table lays them out (HTML's algorithm): a cell
    goes to the first column its row has free, spans reserve the cells they cover."""
    occupied: set[tuple[int, int]] = set()
    out: list[TableCell] = []
    n_rows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in occupied:
                c += 1
            row_span = max(1, min(row_span, n_rows - r))
            col_span = max(1, min(col_span, 1000))
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
    grids = []
    for table, row_lines in placed:
        cells = [GridCell(text=c.text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
                          provenance=Provenance(file=source, line=row_lines[c.row]),
                          at_capacity=False)  # the document holds the whole cell: nothing is cut off
                 for c in table.cells if c.text]
        if cells:
            grids.append(Grid(source=source, form=form, cells=cells, positional=True, lines=lines,
                              name=table.caption))
    return grids
