"""The split-fragment family: the seed's table printed as three column groups, rows zipped by order.

A filing in this layout prints its indicator table as three fragments, each under its own header block
(department, duties, goals) and its own column header: the indicators (一级/二级/三级指标, 指标值类型,
指标值, 计量单位), the explanations (指标解释) and the scoring (评(扣)分标准, 分值, 备注). Row k of each
is the same indicator; the joiner zips them (:mod:`jixiao.pipeline.joiner`), and says so when their row
counts differ. Extractors hand over each fragment, page by page, as a grid tagged with its ``fragment``
(``Grid.fragment``); this module reads them through steps that each keep what they produced
(:class:`FragmentTable`):

- the fragment's column header (:func:`.fragment_rows.header_row`, by the layout vocabulary);
- its header block (:func:`.fragment_block.read_block`);
- each column's role and the rows (:func:`.fragment_rows.read_rows`);
- the fragments: a page with no header block continues the fragment of the page before it, a second
  fragment of a kind is ignored with a warning; department, duties, goals and year come from the first
  block that names them.

The reading report names the family and has one table per fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

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
from .fragment_block import HeaderBlock, read_block, split_duties, split_goals
from .fragment_rows import FragmentRows, header_row, read_rows
from .roles import confirm_roles
from .settings import current as settings_in_force

FAMILY = "split_fragments"
"""The family's name, in ``Filing.layout`` and the reading report."""


@dataclass
class FragmentTable:
    """One grid of a split-layout source as read: its column header, block, columns and rows."""

    grid: Grid
    rows: list[list[GridCell]]
    header: Optional[int]  # the column header's row; None: the grid names no fragment's columns
    block: HeaderBlock
    read: Optional[FragmentRows]  # None: a grid with no fragment to read (a scanned page of header block only)

    @property
    def kind(self) -> Optional[FragmentKind]:
        return self.grid.fragment

    @property
    def header_cells(self) -> list[GridCell]:
        return self.rows[self.header] if self.header is not None else []

    @property
    def page(self) -> Optional[int]:
        """The page the fragment's column header stands on (None for a text dump)."""
        return next((c.provenance.page for c in self.header_cells), None)

    @property
    def provenance(self) -> Provenance:
        """Where the fragment's column header was found: its line, or its page and the header row's band
        (from its first cell's left to its last cell's right, its top to the bottom of its lowest cell)."""
        cells = self.header_cells
        boxes = [c.provenance.bbox for c in cells if c.provenance.bbox is not None]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                min(b[3] for b in boxes)) if boxes else None
        first = cells[0].provenance if cells else Provenance(file=self.grid.source)
        return Provenance(file=self.grid.source, page=first.page, line=first.line, bbox=bbox)


def read_fragment_table(grid: Grid) -> FragmentTable:
    """One grid: its fragment's column header, the header block above it, its columns and rows."""
    rows = grid.rows()
    at = header_row(grid, rows) if grid.fragment is not None else None
    block = read_block(grid, rows[:at] if at is not None else rows)
    read = read_rows(grid, rows, at) if at is not None else None
    return FragmentTable(grid, rows, at, block, read)


def read_fragments(extracted: Extracted) -> Filing:
    """A split-layout source's grids into a Filing with its three fragments and its reading report."""
    filing = Filing(filing=extracted.filing, source=extracted.source, route=extracted.route,
                    encoding=extracted.encoding, errors=list(extracted.errors), pages=list(extracted.pages),
                    layout=FAMILY)
    tables = [read_fragment_table(grid) for grid in extracted.grids]
    assembly = _Assembly(filing)
    for table in tables:
        assembly.add(table)
    _apply_blocks(filing, tables, extracted.year_hint)
    filing.report = ReadingReport(form=next((t.grid.form for t in tables if t.kind is not None), tables[0].grid.form),
                                  family=FAMILY, tables=[_table_report(filing, kind, parts)
                                                         for kind, parts in assembly.parts.items()],
                                  skipped=assembly.skipped)
    return filing


class _Assembly:
    """The fragments, grid after grid: a page with no header block continues the fragment before it."""

    def __init__(self, filing: Filing):
        self.filing = filing
        self.current: Optional[Fragment] = None
        self.parts: dict[FragmentKind, list[FragmentTable]] = {}
        self.skipped: list[SkippedTable] = []
        self.scanned_department: Optional[Cell] = None

    def add(self, table: FragmentTable) -> None:
        if table.grid.form == "ocr":
            self._check_scanned_department(table.block.department)
        if table.kind is None or table.read is None:
            if table.kind is not None:
                self.skipped.append(SkippedTable(name=table.kind.value, form=table.grid.form,
                                                 reason=f"{table.grid.source}: no column header of the "
                                                 f"{table.kind.value} fragment"))
            return
        kind = table.kind
        current = self.current
        continued = table.block.empty and table.page is not None and current is not None and current.kind is kind
        if not continued:
            if kind in self.filing.fragments:
                self._duplicate(table, self.filing.fragments[kind])
                return
            current = self.current = Fragment(kind=kind, provenance=table.provenance)
            self.filing.fragments[kind] = current
            self.parts[kind] = []
        assert current is not None
        self.parts[kind].append(table)
        for cells in table.read.rows:
            current.rows.append(Row(index=len(current.rows) + 1, cells=cells))

    def _duplicate(self, table: FragmentTable, first: Fragment) -> None:
        """A second fragment of a kind already read: ignored, with a warning naming both places."""
        source, kind = self.filing.source, table.kind
        assert kind is not None
        here = table.provenance
        if table.page is not None:
            message = (f"{source}: a second {kind.value} fragment on page {here.page} is ignored; "
                       f"the first, on page {first.provenance.page}, is used")
        else:
            message = (f"{source}: a second {kind.value} fragment at line {here.line} is ignored; "
                       f"the first, at line {first.provenance.line}, is used")
        # component "extract", as the extractors reported it before the family was read here: outputs unchanged
        self.filing.errors.append(ErrorItem(code=ErrorCode.DUPLICATE_FRAGMENT, component="extract",
                                            severity=Severity.WARNING, page=here.page, line=here.line,
                                            message=message))
        self.skipped.append(SkippedTable(name=kind.value, form=table.grid.form, reason=message))
        self.current = None

    def _check_scanned_department(self, department: Optional[Cell]) -> None:
        """A scan's pages each name the department: one read otherwise is a warning (OCR misreads a
        character of a name far more often than a filing names two departments)."""
        if department is None:
            return
        first = self.scanned_department
        if first is None:
            self.scanned_department = department
        elif department.text != first.text:
            page = department.provenance.page
            self.filing.errors.append(ErrorItem(
                code=ErrorCode.DEPARTMENTS_DIFFER, component="extract", severity=Severity.WARNING, page=page,
                message=f"{self.filing.source}: page {page} names department {department.text!r}, "
                f"page {first.provenance.page} {first.text!r}"))


def _apply_blocks(filing: Filing, tables: list[FragmentTable], year_hint: Optional[int]) -> None:
    """Department, duties, goals and year from the first header block that names each; fragments of a
    text layer that name different departments are an error (a scan's pages were checked one by one)."""
    blocks = [t.block for t in tables]
    departments = {t.block.department.text.strip() for t in tables
                   if t.grid.form != "ocr" and t.block.department is not None and t.block.department.text.strip()}
    if len(departments) > 1:
        filing.errors.append(ErrorItem(
            code=ErrorCode.DEPARTMENTS_DIFFER, component="extract",
            message=f"{filing.source}: fragments name different departments: {' / '.join(sorted(departments))}"))
    filing.department = next((b.department for b in blocks if b.department is not None), None)
    duties = next((b.duties for b in blocks if b.duties is not None), None)
    goals = next((b.goals for b in blocks if b.goals is not None), None)
    if duties is not None:
        filing.duties = split_duties(duties)
    if goals is not None:
        filing.goals = split_goals(goals)
    filing.year = next((b.year for b in blocks if b.year), None) or year_hint


def _table_report(filing: Filing, kind: FragmentKind, parts: list[FragmentTable]) -> TableReport:
    """One fragment (all its pages) as read: its first page's header and columns, confirmed by the cells
    of every row where they bear the header out."""
    first = parts[0]
    assert first.read is not None
    rows = filing.fragments[kind].rows
    texts = {k: [row.cells[c.spec.name].text for row in rows if c.spec.name in row.cells]
             for k, c in enumerate(first.read.columns) if c.spec is not None}
    columns = confirm_roles(first.read.columns, texts, min_rows=settings_in_force().headerless_min_rows)
    lines = [cell.provenance.line for row in rows for cell in row.cells.values() if cell.provenance.line is not None]
    return TableReport(
        name=kind.value, form=first.grid.form, header_line=first.provenance.line,
        header=[c.text for c in first.header_cells],
        columns=[ColumnReport(index=k, header=c.header or None, role=c.spec.name if c.spec else None,
                              decided_by=c.decided_by, score=round(min(max(c.score, 0.0), 1.0), 3), note=c.note)
                 for k, c in enumerate(columns)],
        rows_read=len(rows), end="grid_end", end_line=max(lines) if lines else None)


__all__ = ["FAMILY", "FragmentTable", "read_fragment_table", "read_fragments"]
