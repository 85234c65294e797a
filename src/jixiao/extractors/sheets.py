"""Spreadsheet attachments (``.xlsx`` with openpyxl, ``.xls`` with xlrd) → one grid per sheet.

Merged ranges become the top-left cell's spans (the cells they cover hold
nothing). Values are read as Excel displays them, because that is what the
filer typed and saw: ``0.95`` formatted ``0%`` is ``95%``, ``5`` formatted
``0"分"`` is ``5分``, ``3.0`` is ``3``, a date is ``2025年1月1日`` or ``2025-01-01``.
Every sheet is given; the layout reader takes the first it understands.
``provenance.page`` is the sheet's 1-based position and ``line`` its row.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Iterable, Optional

from ..model import ErrorCode, Extracted, Grid, GridCell, Provenance
from .base import ExtractionError, filing_id, year_from_name
from .blocks import join_lines
from .limits import require
from .zip_limits import check_package
from ..model.errors import MergedAreaTooLarge, NumberFormatTooLong, TableTooLarge


_QUOTED = re.compile(r'"([^"]*)"|\\(.)')
_BRACKET = re.compile(r"\[[^\]]*\]")


def _number(value: float) -> str:
    """A number as General format shows it: no float noise, no trailing .0."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def display(value: Any, number_format: Optional[str]) -> str:
    """A cell's value as Excel shows it under ``number_format`` (the common formats; anything
    unusual falls back to the General form of the number, never to a wrong one)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return join_lines(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = (number_format or "General").split(";")[0]
    if isinstance(value, (dt.datetime, dt.date)):
        if "年" in fmt:
            return f"{value.year}年{value.month}月{value.day}日"
        if isinstance(value, dt.datetime) and (value.hour or value.minute):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if not isinstance(value, (int, float)):
        return join_lines(str(value))
    if fmt.strip().lower() in ("general", "@", ""):
        return _number(value)
    plain = _BRACKET.sub("", fmt)
    literals = [(m.start(), m.group(1) if m.group(1) is not None else m.group(2)) for m in _QUOTED.finditer(plain)]
    core = _QUOTED.sub("\x00", plain)
    if not re.search(r"[0#?]", core):
        return _number(value)
    first = min(core.find(ch) for ch in "0#?" if ch in core)
    last = max(core.rfind(ch) for ch in "0#?")
    prefix = "".join(text for at, text in literals if at < first)
    suffix = "".join(text for at, text in literals if at > last)
    percent = "%" in core
    number = value * 100 if percent else value
    fraction = re.search(r"\.([0#?]*)", core[first:last + 1])
    decimals = len(fraction.group(1)) if fraction else 0
    text = f"{number:.{decimals}f}"
    if "." in text and "#" in core[first:last + 1].split(".")[-1]:
        text = text.rstrip("0").rstrip(".")  # optional digits
    if decimals == 0 and not percent and isinstance(value, float) and not float(value).is_integer() \
            and "0" not in core:
        text = _number(value)
    return f"{prefix}{text}{'%' if percent else ''}{suffix}"


def _lines(value: Any) -> Optional[list[str]]:
    """A text value's lines, when it holds several (Alt+Enter in Excel)."""
    if not isinstance(value, str) or "\n" not in value:
        return None
    lines = [join_lines(part) for part in value.split("\n")]
    lines = [line for line in lines if line]
    return lines if len(lines) > 1 else None


def _grid(source: str, form: str, sheet_no: int, name: str,
          cells: Iterable[tuple[int, int, Any, Optional[str], int, int]]) -> Optional[Grid]:
    """cells: (0-based row, 0-based col, value, number format, row_span, col_span)."""
    out = [GridCell(text=text, row=r, col=c, row_span=rs, col_span=cs,
                    provenance=Provenance(file=source, page=sheet_no, line=r + 1),
                    at_capacity=False,  # a spreadsheet holds the whole value, whatever the column shows
                    lines=_lines(value))
           for r, c, value, number_format, rs, cs in cells if (text := display(value, number_format))]
    if not out:
        return None
    rows: dict[int, list[GridCell]] = {}
    for cell in out:
        rows.setdefault(cell.row, []).append(cell)
    lines = [(r + 1, " ".join(c.text for c in sorted(rows[r], key=lambda c: c.col))) for r in sorted(rows)]
    return Grid(source=source, form=form, cells=out, positional=True, lines=lines, name=name)


def extract_xlsx(source: str, data: bytes) -> Extracted:
    import zipfile

    from openpyxl import load_workbook

    check_package(source, data)  # every part's size, cells, merged areas, formats: before openpyxl
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except IndexError as error:  # a cell's style (s="999") or string the workbook does not define (issue 23)
        raise ExtractionError(f"{source}: a damaged .xlsx workbook: a cell refers to a style or shared string "
                              f"the workbook does not define ({type(error).__name__}: {error}); open and save it "
                              "again in Excel, WPS or LibreOffice") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ExtractionError(f"{source}: not a readable .xlsx workbook ({type(error).__name__}: {error}); "
                              "open and save it again in Excel, WPS or LibreOffice", code=ErrorCode.CORRUPT_FILE) from None
    grids = []
    for sheet_no, sheet in enumerate(book.worksheets, start=1):
        spans, covered = _merged(source, sheet.title, ((m.min_row, m.max_row, m.min_col, m.max_col)
                                                        for m in sheet.merged_cells.ranges))

        def cells():
            # the cells the sheet holds, in row order: iter_rows() would visit (and create) every
            # position of the used range, 17 billion for one stray cell at XFD1048576
            for (row, column), cell in sorted(sheet._cells.items()):
                key = (row, column)
                if key in covered and key not in spans:
                    continue
                if cell.value is None:
                    continue
                rs, cs = spans.get(key, (1, 1))
                yield row - 1, column - 1, cell.value, cell.number_format, rs, cs

        grid = _grid(source, "xlsx", sheet_no, sheet.title, cells())
        if grid is not None:
            grids.append(grid)
    return _workbook(source, data, "xlsx", grids)


def extract_xls(source: str, data: bytes) -> Extracted:
    import xlrd

    try:
        # xlrd prints its complaints ("*** xf #14 …") to its logfile, stdout by default (issue 23)
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False,
                                  logfile=io.StringIO(), verbosity=0)
    except Exception as error:  # xlrd raises XLRDError, CompDocError, AssertionError, struct errors …
        raise ExtractionError(f"{source}: not a readable .xls workbook ({type(error).__name__}: {error}); "
                              "open and save it as .xlsx in Excel, WPS or LibreOffice",
                              code=ErrorCode.CORRUPT_FILE) from None
    grids = []
    for sheet_no in range(book.nsheets):
        sheet = book.sheet_by_index(sheet_no)
        _check_xls_sheet(source, book, sheet)
        spans, covered = _merged(source, sheet.name, ((r0, r1 - 1, c0, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells))
        grid = _grid(source, "xls", sheet_no + 1, sheet.name, _xls_cells(book, sheet, spans, covered))
        if grid is not None:
            grids.append(grid)
    return _workbook(source, data, "xls", grids)


def _check_xls_sheet(source: str, book, sheet) -> None:
    """The budgets of one .xls sheet, before its cells are read: xlrd has loaded the workbook (a BIFF
    file is at most 65,536 × 256 cells a sheet), but showing each value is the work they bound."""
    area = sheet.nrows * sheet.ncols
    require(source, area, "max_cells", TableTooLarge,
            f"sheet {sheet.name!r} spans {sheet.nrows:,} rows × {sheet.ncols:,} columns = {area:,} cells")
    for fmt in book.format_map.values():
        length = len(fmt.format_str or "")
        require(source, length, "max_format_chars", NumberFormatTooLong,
                f"its number format {fmt.format_key} is {length:,} characters long")


def _merged(source: str, sheet: str, ranges) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Spans of the top-left cells and the cells the merged ranges cover, from (first row, last row,
    first column, last column) ranges; their area is checked before the cells are listed."""
    ranges = list(ranges)
    area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, r1, c0, c1 in ranges)
    require(source, area, "max_merged_cells", MergedAreaTooLarge,
            f"the merged ranges of sheet {sheet!r} cover {area:,} cells")
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, r1, c0, c1 in ranges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    return spans, covered


def _xls_cells(book, sheet, spans, covered):
    import xlrd

    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            if (r, c) in covered and (r, c) not in spans:
                continue
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                continue
            number_format = None
            try:
                xf = book.xf_list[cell.xf_index]
                number_format = book.format_map[xf.format_key].format_str
            except (IndexError, KeyError, TypeError, AttributeError):
                pass
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    pass
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            rs, cs = spans.get((r, c), (1, 1))
            yield r, c, value, number_format, rs, cs


def _workbook(source: str, data: bytes, route: str, grids: list[Grid]) -> Extracted:
    """Every sheet's grid, or a failure when no sheet holds anything."""
    if not grids:
        raise ExtractionError(f"{source}: the workbook's sheets are empty", code=ErrorCode.EMPTY_FILE)
    return Extracted(filing=filing_id(data), source=source, route=route, grids=grids,
                     year_hint=year_from_name(source))
