"""What the reader saw of each grid of a source, understood or not: the clerk's starting point.

A table the reader does not understand fails with a message; a clerk who is to teach it needs more:
the header the reader found, each column's role and how it was decided (header, cells, a learned
layout), and the first rows as the reader placed them into those columns. :func:`survey` gives that
for every grid, never raising for a table it cannot read (the grid then carries the reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..model import ColumnReport, Extracted, Grid, GridCell
from .errors import LayoutNotUnderstood
from .header import Header, not_understood
from .learned import signature
from .read import look_grid
from .table import TableReading, _body, _placed

FIRST_ROWS = 8
"""Rows shown under the header: enough to tell each column's role, few enough for one screen."""


@dataclass
class SurveyRow:
    """One body row as the reader placed it: each column's text ('' where it put nothing), or the row's
    cells as printed when they fit no column (``fits`` False)."""

    line: Optional[int]
    cells: list[str]
    fits: bool = True

    def to_json(self) -> dict:
        return {"line": self.line, "cells": self.cells, "fits": self.fits}


@dataclass
class GridSurvey:
    """One grid of a source as the reader saw it."""

    index: int
    name: Optional[str]
    form: str
    header: Optional[Header] = None
    reading: Optional[TableReading] = None
    problem: Optional[str] = None  # why the grid gives no records (None: it is read)
    rows: list[SurveyRow] = field(default_factory=list)

    @property
    def signature(self) -> Optional[str]:
        """The header's signature, the key a learned layout is stored under (None: no header found)."""
        return signature(c.header for c in self.header.columns) if self.header is not None else None

    @property
    def columns(self) -> list[ColumnReport]:
        if self.header is None:
            return []
        return [ColumnReport(index=k, header=c.header, role=c.spec.name if c.spec else None,
                             decided_by=c.decided_by, score=round(min(max(c.score, 0.0), 1.0), 3), note=c.note)
                for k, c in enumerate(self.header.columns)]

    def to_json(self) -> dict:
        header = self.header
        return {"index": self.index, "name": self.name, "form": self.form, "signature": self.signature,
                "header_line": header.line if header is not None else None,
                "understood": bool(header is not None and header.understood),
                "columns": [c.model_dump(mode="json") for c in self.columns],
                "rows": [r.to_json() for r in self.rows], "problem": self.problem,
                "rows_read": len(self.reading.rows) if self.reading is not None else 0,
                "rows_dropped": len(self.reading.dropped) if self.reading is not None else 0}


def survey(extracted: Extracted, *, first_rows: int = FIRST_ROWS) -> list[GridSurvey]:
    """Every grid of ``extracted`` as the reader sees it under the settings and learned layouts in force."""
    return [survey_grid(k, grid, first_rows=first_rows) for k, grid in enumerate(extracted.grids)]


def survey_grid(index: int, grid: Grid, *, first_rows: int = FIRST_ROWS) -> GridSurvey:
    """One grid: its header, column roles and first rows; the reason when it gives no records."""
    found = GridSurvey(index=index, name=grid.name, form=grid.form)
    rows = grid.rows()
    try:
        found.header, found.reading = look_grid(grid, rows)
    except LayoutNotUnderstood as error:
        found.problem = str(error)
        return found
    if not found.header.understood:
        found.problem = str(not_understood(grid, found.header))
    elif not found.reading.rows:
        found.problem = f"the header at line {found.header.line} was found, but no indicator row below it was read"
    found.rows = _first_rows(grid, rows, found.header, first_rows)
    return found


def _first_rows(grid: Grid, rows: list[list[GridCell]], header: Header, count: int) -> list[SurveyRow]:
    """The first body rows, each placed into the header's columns the way the reader places them."""
    width = len(header.columns)
    header_cols = [c.col for c in header.cells] if grid.positional else []
    out: list[SurveyRow] = []
    for cells in _body(grid, rows, header):
        cells = [c for c in cells if c.text.strip()]
        if not cells:
            continue
        line = cells[0].provenance.line
        fit, values, _ = _placed(grid, header, cells, header_cols)
        if fit == float("-inf"):
            out.append(SurveyRow(line, [c.text.strip() for c in cells], fits=False))
        else:
            out.append(SurveyRow(line, [values.get(k, "").strip() for k in range(width)]))
        if len(out) >= count:
            break
    return out


__all__ = ["FIRST_ROWS", "GridSurvey", "SurveyRow", "survey", "survey_grid"]
