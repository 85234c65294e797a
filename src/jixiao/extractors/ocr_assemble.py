"""Turning an OCR'd page of the seed's split layout into a fragment grid for the reader.

Kept apart from ``ocr.py`` (which reads pages) so that naming the columns from
the column-header row, and the grid a page gives, can be tested without running
OCR. A scan is read column by column, so its cells say which column they were
read for (``GridCell.role``); the reader (:mod:`jixiao.reader.fragments`) makes
the fragments of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..model import Cell, FragmentKind, Grid
from ..model import GridCell as ReadCell
from ..layout.vocabulary import column_fields
from .ocr_fixes import normalise_header_text

if TYPE_CHECKING:
    from .grid import GridCell
    from .ocr import PageRead

INDICATOR_ORDER = ("level1", "level2", "level3", "operator", "target", "unit")


def column_names(kind: FragmentKind, header: list[tuple["GridCell", str]]) -> list[str]:
    """Column name per elementary grid column, from the column-header row's cells.

    A header cell that spans several elementary columns (the header block's
    label column does not line up with fragments 2 and 3) names all of them.
    """
    width = max((cell.col + cell.col_span for cell, _ in header), default=0)
    names = [""] * width
    found = [name or "" for name in column_fields(kind.value, [normalise_header_text(t) for _, t in header])]
    if kind is FragmentKind.INDICATORS and len(header) == 6 and len(set(found) - {""}) < 6:
        found = list(INDICATOR_ORDER)  # unreadable header cells: the seed's standard order
    for (cell, _), name in zip(header, found):
        for col in range(cell.col, cell.col + cell.col_span):
            names[col] = name
    return names


def page_grid(source: str, read: "PageRead") -> Optional[Grid]:
    """A page of the split layout as the reader's grid: the header block's values (each named: the
    recogniser read it beside its label), then the column header and every cell below it, each with the
    column it was read for (its text corrected and its marks read by their shape for that column). None
    for a page that gave neither. Which rows make the fragment, and how the three zip, is the reader's."""
    if read.kind is None and not read.header:
        return None
    cells = [_grid_cell(read.header_at[name], cell, name) for name, cell in read.header.items()]
    if read.kind is not None:
        names = read.names or column_names(read.kind, read.columns)

        def role(col: int) -> Optional[str]:
            return (names[col] if col < len(names) else "") or None

        cells += [_grid_cell(lattice, cell, role(lattice.col))
                  for (lattice, _), cell in zip(read.columns, read.column_cells)]
        cells += [_grid_cell(lattice, cell, role(lattice.col)) for row in read.rows for lattice, cell in row]
    return Grid(source=source, form="ocr", cells=cells, positional=True, fragment=read.kind)


def _grid_cell(lattice: "GridCell", cell: Cell, role: Optional[str]) -> ReadCell:
    return ReadCell(text=cell.text, row=lattice.row, col=lattice.col, row_span=lattice.row_span,
                    col_span=lattice.col_span, provenance=cell.provenance, at_capacity=cell.at_capacity,
                    ocr_confidence=cell.ocr_confidence, role=role)
