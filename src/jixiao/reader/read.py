"""The reader's entry point: every grid of a source → one Filing with its reading report.

Each grid (a sheet, an HTML or Word table, a PDF table, a text dump) is read on its own: header,
column roles, rows, table end. Every grid that holds an indicator table gives its rows, so a
workbook with one project per sheet gives every project's rows, each with its own project; a grid
with no indicator table is listed in the report as skipped, with the reason. Only when no grid
gives a row does the source fail, saying what was seen in each.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from ..layout.values import level1_name
from ..model import (
    Cell,
    ColumnReport,
    ErrorCode,
    ErrorItem,
    Extracted,
    Filing,
    Fragment,
    FragmentKind,
    Grid,
    GridCell,
    Provenance,
    ReadingReport,
    Row,
    Severity,
    SkippedTable,
    TableReport,
)
from ..layout.clean import clean_text
from ..layout.vocabulary import normalise
from .block import _around, _header_block
from .errors import LayoutNotUnderstood
from .fragments import read_fragments
from .header import Header, _describe, _understood as understood, find_header, not_understood
from . import learned
from .headerless import headerless_header, hinted_header
from .roles import assign_roles, two_level
from .settings import current as settings_in_force
from .table import TableReading, read_table
from .values import clean_rows, split_targets


@dataclass
class TableRead:
    """One grid read as an indicator table: the products of each step, kept for ``jixiao inspect``."""

    grid: Grid
    rows: list[list[GridCell]]
    header: Header
    reading: TableReading
    since: int = 0  # the row below the grid's previous table: where this table's header block begins
    project: Optional[Cell] = None


def read_tables(extracted: Extracted) -> tuple[list[TableRead], list[SkippedTable]]:
    """Every table of every grid (a dump may hold one project's table after another), and the grids
    that hold none (with why)."""
    tables: list[TableRead] = []
    skipped: list[SkippedTable] = []
    for grid in extracted.grids:
        rows = grid.rows()
        start, first = 0, True
        above = _mid_table_start(grid, rows)
        if above is not None:  # a page that starts mid-table, with another table's header below
            table = _table_read(grid, rows, *above, tables, skipped, since=0)
            if table is not None:
                tables.append(table)
                first = False
        while start < len(rows):
            try:
                header, reading = read_grid(grid, rows, start)
            except LayoutNotUnderstood as error:
                if first:
                    skipped.append(SkippedTable(name=grid.name, form=grid.form, reason=str(error)))
                break
            table = _table_read(grid, rows, header, reading, tables, skipped, since=start)
            if table is not None:
                tables.append(table)
            first = False
            start = _after(rows, header, reading)
    return tables, skipped


def _header_from_cells(grid: Grid, rows: list[list[GridCell]]) -> Optional[Header]:
    """The header the cells of ``rows`` make alone, with the reader's settings (:func:`headerless_header`)."""
    settings = settings_in_force()
    return headerless_header(grid, rows, from_cells=settings.role_from_cells, min_rows=settings.headerless_min_rows)


def _mid_table_start(grid: Grid, rows: list[list[GridCell]]) -> Optional[tuple[Header, TableReading]]:
    """The table a page starts in the middle of (its header on the page before), when a header further
    down opens another table: the rows above that header, read from their cells as a table with no
    header is (:func:`headerless_header`), if they make an indicator table beyond doubt. None otherwise."""
    settings = settings_in_force()
    if hinted_header(grid, rows) is not None:
        return None
    try:
        below = find_header(grid, rows, 0)
    except LayoutNotUnderstood:
        return None
    top = below.top
    if top < settings.headerless_min_rows:
        return None
    above = rows[:top]
    found = _header_from_cells(grid, above)
    if found is None:
        return None
    reading = read_table(grid, above, found)
    return (found, reading) if reading.rows else None


def _table_read(grid: Grid, rows: list[list[GridCell]], header: Header, reading: TableReading,
                tables: list["TableRead"], skipped: list[SkippedTable], since: int) -> Optional["TableRead"]:
    """The table read, or None (and a line in ``skipped``) when it gave no row or repeats one read before."""
    if not reading.rows:
        reason = (f"{grid.source}: the header at line {header.line} names {_describe(header.fields)}, "
                  "but no indicator row below it could be read")
        if reading.empty_rows:
            reason += f" (its {reading.empty_rows} row(s) were left empty)"
        skipped.append(SkippedTable(name=grid.name, form=grid.form, reason=reason))
        return None
    split_targets(reading.rows, header.fields)
    clean_rows(reading.rows)
    if _repeats(tables, reading):
        skipped.append(SkippedTable(name=grid.name, form=grid.form, reason="the same rows as a table read before it"))
        return None
    return TableRead(grid, rows, header, reading, since=since)


def _after(rows: list[list[GridCell]], header: Header, reading: TableReading) -> int:
    """The first row below a table that was read: where the next table of the grid may begin (none when
    the table ran to the grid's end)."""
    if reading.end == "grid_end":
        return len(rows)
    last = max([reading.end_line or 0, *(c.provenance.line or 0 for r in reading.rows for c in r.cells.values())])
    return next((k for k in range(header.row + 1, len(rows))
                 if rows[k] and (rows[k][0].provenance.line or 0) >= last), len(rows))


def read_grid(grid: Grid, rows: list[list[GridCell]], start: int = 0) -> tuple[Header, TableReading]:
    """Header, column roles and rows of one grid. The roles are read from a first reading's cells; when
    they change a column, the table is read again with them. Raises LayoutNotUnderstood when even the
    cells give no 三级指标 or value column."""
    header, reading = look_grid(grid, rows, start)
    if not header.understood:
        below = _from_cells_below(grid, rows, header)
        if below is None:
            raise not_understood(grid, header)
        return below
    return header, reading


def _from_cells_below(grid: Grid, rows: list[list[GridCell]], header: Header) -> Optional[tuple[Header, TableReading]]:
    """A header row that names some indicator columns but not enough, even with its cells' help (a sheet
    flattened with its header cells out of order): the rows below it read from their cells alone, as a
    table with no header is, when they make an indicator table beyond doubt; else None."""
    found = _header_from_cells(grid, rows[header.row + 1:])
    if found is None:
        return None
    # the body starts below the header row that was not understood (headerless rows count from 0)
    found = replace(found, row=header.row, first=header.row + 1)
    reading = read_table(grid, rows, found)
    return (found, reading) if reading.rows else None


def look_grid(grid: Grid, rows: list[list[GridCell]], start: int = 0) -> tuple[Header, TableReading]:
    """What :func:`read_grid` sees of a grid, understood or not: the header found, each column's role and
    how it was decided, and the rows read (none when the header is not understood). A clerk teaching a
    table starts from this. Raises LayoutNotUnderstood only when no row names two indicator columns."""
    settings = settings_in_force()
    hinted = hinted_header(grid, rows, start)
    if hinted is not None:  # the form says what each cell is: nothing to find
        return hinted, read_table(grid, rows, hinted)
    try:
        header = find_header(grid, rows, start)
    except LayoutNotUnderstood:
        if start:
            raise  # below a table read: only a header opens another
        # no row names the columns: a page that starts mid-table is read from its cells, if they are sure
        found = _header_from_cells(grid, rows)
        if found is None:
            raise
        header = found
    if not header.understood and any(c.row_label for c in header.columns):
        # 指标 over the names, or 绩效指标 over a block label: when the header is not understood with it
        # as a block label, the column is read as one whose role its cells tell
        header = replace(header, columns=[replace(c, row_label=False) if c.row_label else c for c in header.columns])
    layout = learned.find(c.header for c in header.columns)
    if layout is not None:  # a clerk's roles for this very header: a witness before the cells are asked
        header = replace(header, columns=learned.apply(header.columns, layout))
        header.understood = understood([c.spec.name for c in header.columns if c.spec])
    reading = read_table(grid, rows, header)
    columns = assign_roles(header.columns, _role_texts(grid, rows, header, reading),
                           from_cells=settings.role_from_cells, override=settings.role_override,
                           min_rows=settings.headerless_min_rows)
    fields = [c.spec.name if c.spec else None for c in columns]
    if fields == [c.spec.name if c.spec else None for c in header.columns]:
        header.columns = columns  # the same roles, now saying how they were decided
    else:
        header = replace(header, columns=columns, understood=understood([f for f in fields if f]) or two_level(columns))
        reading = read_table(grid, rows, header) if header.understood else reading
    return header, reading


def _role_texts(grid: Grid, rows: list[list[GridCell]], header: Header, reading: TableReading) -> dict[int, list[str]]:
    """What each column holds, to tell its role: where a dump's rows mostly hold one cell per column (a
    pipe table that lost no merged cell), the cells by their place, which a header naming the wrong field
    cannot have bent (指标类型 over 产出指标 is no operator column); else what the first reading placed."""
    if grid.positional:
        return reading.column_texts
    width = len(header.columns)
    body = [row for row in rows[header.row + 1:]
            if reading.end_line is None or (row and (row[0].provenance.line or 0) < reading.end_line)]
    full = [row for row in body if len(row) == width]
    if len(full) < max(3, len(reading.rows) // 2):
        return reading.column_texts
    return {k: [row[k].text for row in full if row[k].text.strip()] for k in range(width)}


def _row_key(row: Row) -> tuple[str, ...]:
    return tuple(normalise(row.cells[name].text) if name in row.cells else ""
                 for name in ("level3", "target", "actual"))


def _repeats(tables: list[TableRead], reading: TableReading) -> bool:
    """A table whose rows are all those of a table read before it (a page printing it twice)."""
    keys = [_row_key(row) for row in reading.rows]
    return any(keys == [_row_key(row) for row in t.reading.rows] for t in tables)


def read_layout(extracted: Extracted) -> Filing:
    """Read an extractor's grids into a Filing, or raise LayoutNotUnderstood saying why. Grids tagged
    with a fragment are the seed's split layout, read by its family (:mod:`.fragments`)."""
    if any(grid.fragment is not None for grid in extracted.grids):
        return read_fragments(extracted)
    tables, skipped = read_tables(extracted)
    if not tables:
        raise LayoutNotUnderstood("; ".join(s.reason for s in skipped) if skipped
                                  else f"{extracted.source}: no table found")
    first = tables[0]
    filing = Filing(filing=extracted.filing, source=extracted.source, kind=extracted.route,
                    encoding=extracted.encoding, errors=list(extracted.errors), year=None,
                    layout=f"table/{first.grid.form}")
    _header_block(first.grid, first.rows, first.header, filing, _around(extracted, first.grid, first.header))
    _clean_block(filing)
    first.project = filing.project
    for table in tables[1:]:
        table.project = _project_of(extracted, table)
    rows = _all_rows(tables)
    filing.columns = list(dict.fromkeys([*(n for t in tables for n in t.header.fields),
                                         *(n for r in rows for n in r.cells)]))
    filing.pages = list(extracted.pages)
    if filing.year is None:
        filing.year = extracted.year_hint
    filing.fragments[FragmentKind.INDICATORS] = Fragment(
        kind=FragmentKind.INDICATORS, rows=rows, provenance=Provenance(file=first.grid.source, line=first.header.line))
    _check_levels(filing)
    for table in tables:
        filing.errors.extend(table.reading.errors)
        filing.errors.extend(_dropped_errors(extracted.source, table))
    filing.report = ReadingReport(form=first.grid.form, form_scores=first.grid.form_scores,
                                  tables=[_table_report(t) for t in tables], skipped=skipped)
    return filing


def _project_of(extracted: Extracted, table: TableRead) -> Optional[Cell]:
    """The project named in the header block above a table (a workbook with one project per sheet)."""
    scratch = Filing(filing=extracted.filing, source=extracted.source, kind=extracted.route)
    _header_block(table.grid, table.rows, table.header, scratch, _around(extracted, table.grid, table.header),
                  since=table.since)
    _clean_block(scratch)
    return scratch.project


def _clean_block(filing: Filing) -> None:
    """The header block's names in simplified characters, without a mirror's pinyin (raw kept)."""
    for name in ("department", "project", "period"):
        cell = getattr(filing, name)
        if cell is not None:
            setattr(filing, name, cell.retext(clean_text(cell.text)))
    for item in filing.goals:
        item.cell = item.cell.retext(clean_text(item.cell.text))


def _all_rows(tables: list[TableRead]) -> list[Row]:
    """The rows of every table in order, renumbered, each with its table's project where it names none."""
    rows: list[Row] = []
    several = len(tables) > 1
    for table in tables:
        for row in table.reading.rows:
            cells = dict(row.cells)
            if several and "project" not in cells and table.project is not None:
                cells["project"] = table.project
            rows.append(row.model_copy(update={"index": len(rows) + 1, "cells": cells}))
    return rows


def _dropped_errors(source: str, table: TableRead) -> list[ErrorItem]:
    """One error naming the lines of the rows a table dropped: the filing is partial, and says why."""
    dropped = table.reading.dropped
    if not dropped:
        return []
    reasons = {"no_fit": "its cells fit no column", "run_together": "several rows' cells run together",
               "not_a_row": "a name with nothing beside it"}
    where = "; ".join(f"line {d.line}: {reasons.get(d.reason, d.reason)}" if d.line is not None
                      else reasons.get(d.reason, d.reason) for d in dropped[:8])
    more = f" and {len(dropped) - 8} more" if len(dropped) > 8 else ""
    return [ErrorItem(code=ErrorCode.ROWS_DROPPED, component="layout", severity=Severity.ERROR, line=dropped[0].line,
                      message=f"{source}: {len(dropped)} row(s) of the table at line {table.header.line} gave no "
                      f"record ({where}{more}); see the reading report")]


def _table_report(table: TableRead) -> TableReport:
    reading, header = table.reading, table.header
    fits = reading.fits
    columns = [ColumnReport(index=k, header=c.header, role=c.spec.name if c.spec else None,
                            decided_by=c.decided_by, score=round(c.score, 3), note=c.note)
               for k, c in enumerate(header.columns)]
    return TableReport(
        name=table.grid.name, form=table.grid.form, header_line=header.line,
        header=[c.header for c in header.columns], columns=columns,
        project=table.project.text if table.project is not None else None,
        rows_read=len(reading.rows), empty_rows=reading.empty_rows, rows_dropped=list(reading.dropped),
        end=reading.end, end_line=reading.end_line,
        fit_min=round(min(fits), 3) if fits else None,
        fit_mean=round(sum(fits) / len(fits), 3) if fits else None)


def _check_levels(filing: Filing) -> None:
    """Rows whose 一级/二级 could not be told from the taxonomy are flagged, not guessed."""
    if "level1" not in filing.columns:
        return  # a table with no 一级 column: nothing to know
    unknown = [row.index for row in filing.fragments[FragmentKind.INDICATORS].rows
               if not (row.cells.get("level1") and level1_name(row.cells["level1"].text))]
    if unknown:
        filing.errors.append(ErrorItem(
            code=ErrorCode.UNKNOWN_LEVEL, component="layout", severity=Severity.WARNING, rows=unknown,
            message=f"{filing.source}: rows {', '.join(map(str, unknown[:10]))} have no 一级指标 the taxonomy knows"))


__all__ = ["TableRead", "look_grid", "read_grid", "read_layout", "read_tables", "settings_in_force"]
