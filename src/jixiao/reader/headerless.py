"""A table with no header: a page that starts in the middle of a table, a sheet continued from another.

When no row names the indicator columns, the columns can still be told from what their cells hold:
a column of taxonomy names is the 一级 or 二级, a column of distinct names the 三级, a column of values
the 指标值 … (:mod:`.roles`). That is tried only where the cells stand in known columns (a positional
grid, or a dump whose rows all have the same number of cells) and only when the columns it finds make
an indicator table beyond doubt: a 三级 column, a value column, and a column of group names. Otherwise
the grid stays a table not understood, as before.
"""

from __future__ import annotations

from collections import Counter
from typing import Optional

from ..model import Grid, GridCell, Provenance
from ..layout.vocabulary import spec_named
from .align import _NUMBERING
from .header import Column, Header
from .roles import assign_roles

_NEEDED = ({"level3"}, {"target", "actual"}, {"level1", "level2"})


def _width(grid: Grid, rows: list[list[GridCell]]) -> tuple[Optional[int], bool]:
    """The number of columns, when the grid's cells stand in known columns, and whether a row's cells
    stand against its right end: a positional grid's columns; the cell count most rows of a dump share
    (at least four rows, four fifths of the rows that hold three cells or more); or, in a dump that
    dropped its merged group cells (a row prints its 一级 and 二级 only where they change), the widest
    row's, the others as long but for up to two cells at their start."""
    if grid.positional:
        return max((c.col + c.col_span for c in grid.cells), default=0) or None, False
    counts = Counter(len(row) for row in rows if len(row) >= 3)
    if not counts:
        return None, False
    width, times = counts.most_common(1)[0]
    if times >= 4 and times >= 0.8 * sum(counts.values()):
        return width, False
    widest = max(counts)
    near = sum(times for length, times in counts.items() if length >= widest - 2)
    return (widest, True) if near >= 4 and near >= 0.75 * sum(counts.values()) else (None, False)


def _column_texts(grid: Grid, rows: list[list[GridCell]], width: int, right: bool) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    for row in rows:
        if not grid.positional and (len(row) != width and not right or not width - 2 <= len(row) <= width):
            continue
        offset = width - len(row) if right else 0
        for k, cell in enumerate(row):
            col = cell.col if grid.positional else k + offset
            if cell.text.strip():
                texts.setdefault(col, []).append(cell.text)
    return texts


def _numbered_names(columns: list[Column], texts: dict[int, list[str]]) -> bool:
    """Whether the first column's cells are indicators numbered as a form numbers them ('指标6:举办…',
    four in five or more of them): then that column is the 三级 whatever its words suggested, and the
    numbering says beyond doubt that the rows are indicators, though no 一级/二级 is printed."""
    names = texts.get(0, [])
    if not columns or len(names) < 4 or sum(1 for t in names if _NUMBERING.match(t)) < 0.8 * len(names):
        return False
    columns[0].spec, columns[0].decided_by = spec_named("level3"), "cells"
    return True


def headerless_header(grid: Grid, rows: list[list[GridCell]], *, from_cells: float, min_rows: int) -> Optional[Header]:
    """A header made from the cells alone (every column ``decided_by`` cells), or None when the cells do
    not make an indicator table beyond doubt."""
    width, right = _width(grid, rows)
    if not width or width < 3:
        return None
    texts = _column_texts(grid, rows, width, right)
    blank = [Column(None, "") for _ in range(width)]
    columns = assign_roles(blank, texts, from_cells=from_cells, override=1.1, min_rows=min_rows)
    numbered = _numbered_names(columns, texts)
    roles = {c.spec.name for c in columns if c.spec is not None}
    needed = _NEEDED[:2] if numbered else _NEEDED
    if not all(roles & group for group in needed):
        return None
    cells = [GridCell(text="", row=0, col=k, provenance=Provenance(file=grid.source)) for k in range(width)]
    # row -1: the body starts at the grid's first row; first 0: nothing above it is the header block
    return Header(row=-1, columns=columns, line=None, cells=cells, first=0)


def hinted_header(grid: Grid, rows: list[list[GridCell]], start: int = 0) -> Optional[Header]:
    """The header a form gives by its cells' roles (a tree export, an outline, prose: no header printed,
    each cell's field known), from row ``start`` on: every column ``decided_by`` form. None when no cell
    from there on has a role."""
    first = next((r for r in range(start, len(rows)) if any(c.role for c in rows[r])), None)
    if first is None:
        return None
    roles: dict[int, str] = {}
    for row in rows[first:]:
        for cell in row:
            if cell.role:
                roles.setdefault(cell.col, cell.role)
    width = max(roles) + 1
    columns = [Column(spec_named(roles[k]), "", decided_by="form") if k in roles else Column(None, "")
               for k in range(width)]
    cells = [GridCell(text="", row=first, col=k, provenance=Provenance(file=grid.source)) for k in range(width)]
    # the body starts at the first row with roles; the rows above it are the page's (the header block)
    return Header(row=first - 1, columns=columns, line=None, cells=cells, first=first)
