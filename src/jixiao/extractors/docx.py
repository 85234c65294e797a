"""Word attachments (``.docx``) → one grid per table, paragraphs around them as lines.

python-docx opens the package; the table cells are read from the XML itself
because ``w:gridSpan`` (a cell across columns), ``w:gridBefore`` (a row that
starts to the right) and ``w:vMerge`` (a cell continued from the row above)
are what make the grid, and python-docx repeats merged cells instead of
saying so. A continued cell adds one to the span of the cell it continues.

Legacy ``.doc``, ``.wps`` (WPS Writer) and ``.et`` (WPS Spreadsheets, when it
is not an Excel 97 workbook) get a clear failure naming the format and what
to convert it to: no maintained converter ships with jixiao's install.
"""

from __future__ import annotations

import io
from collections import deque
from typing import Optional

from ..model import ErrorCode, Extracted
from .base import ExtractionError, filing_id, year_from_name
from .blocks import MAX_SPAN, Block, Table, TableCell, check_table, grids_from_blocks, join_lines
from .zip_limits import check_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _int(value: Optional[str], default: int = 1) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def _text(element) -> str:
    """Text of a paragraph or cell: runs joined, tabs as spaces, breaks and paragraphs as lines;
    tables nested in a cell are left out."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}p" and parts:
            parts.append("\n")
    return join_lines("".join(parts))


def _own_text(tc) -> str:
    paragraphs = [p for p in tc if p.tag == f"{W}p"]
    return join_lines("\n".join(_text(p) for p in paragraphs))


def _table(source: str, tbl, nested: list) -> Table:
    cells: list[TableCell] = []
    open_cells: dict[int, TableCell] = {}  # column → the cell a vMerge continues
    for r, tr in enumerate(tr for tr in tbl if tr.tag == f"{W}tr"):
        col = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            col = _int(before.get(f"{W}val"), 0)
        for tc in tr:
            if tc.tag == f"{W}sdt":  # a content control wrapping cells
                tcs = list(tc.iter(f"{W}tc"))
            elif tc.tag == f"{W}tc":
                tcs = [tc]
            else:
                continue
            for cell in tcs:
                nested.extend(cell.findall(f"{W}tbl"))
                grid_span = cell.find(f"{W}tcPr/{W}gridSpan")
                # a span past any grid is capped as a browser caps colspan (issue 23: fifty cells of
                # gridSpan="100000000" took two minutes)
                span = min(MAX_SPAN, max(1, _int(grid_span.get(f"{W}val")) if grid_span is not None else 1))
                vmerge = cell.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and vmerge.get(f"{W}val") != "restart" and col in open_cells:
                    open_cells[col].row_span += 1
                else:
                    placed = TableCell(_own_text(cell), r, col, 1, span)
                    cells.append(placed)
                    for c in range(col, col + span):
                        open_cells.pop(c, None)
                    if vmerge is not None:
                        open_cells[col] = placed
                    else:
                        open_cells.pop(col, None)
                col += span
    check_table(source, cells, "a table of the Word document")
    return Table(cells)


def extract_docx(source: str, data: bytes) -> Extracted:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_package(source, data)  # every part's size, nesting, paragraphs, tables: before python-docx
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise ExtractionError(f"{source}: not a readable .docx document ({type(error).__name__}: {error}); "
                              "open and save it again in Word, WPS or LibreOffice", code=ErrorCode.CORRUPT_FILE) from None
    blocks: list[Block] = []
    pending = deque(document.element.body)  # popped from the left: a list's pop(0) is quadratic
    while pending:
        element = pending.popleft()
        if element.tag == f"{W}p":
            blocks.append(_text(element))
        elif element.tag == f"{W}tbl":
            nested: list = []
            blocks.append(_table(source, element, nested))
            pending.extendleft(reversed(nested))
        elif element.tag == f"{W}sdt":  # a content control: read what it holds
            content = element.find(f"{W}sdtContent")
            if content is not None:
                pending.extendleft(reversed(list(content)))
    grids = grids_from_blocks(source, "docx", blocks)
    if not grids:
        raise ExtractionError(f"{source}: the Word document holds no table; "
                              "a performance-goal table is published as one", code=ErrorCode.NO_TABLE)
    return Extracted(filing=filing_id(data), source=source, route="docx", grids=grids,
                     year_hint=year_from_name(source))


LEGACY = {
    ".doc": ("a legacy Word 97-2003 document (.doc)", ".docx"),
    ".xls": ("a legacy Excel 97-2003 workbook (.xls)", ".xlsx"),
    ".xlt": ("a legacy Excel 97-2003 template (.xlt)", ".xlsx"),
    ".wps": ("a WPS Writer document (.wps)", ".docx"),
    ".et": ("a WPS Spreadsheets workbook (.et)", ".xlsx"),
    ".dps": ("a WPS Presentation (.dps)", ".pdf"),
    ".ppt": ("a legacy PowerPoint file (.ppt)", ".pdf"),
}


def legacy_failure(source: str, suffix: str) -> ExtractionError:
    what, target = LEGACY.get(suffix, ("a legacy Office (OLE2) file", ".docx or .xlsx"))
    return ExtractionError(
        f"{source}: {what} cannot be read by jixiao; open it in WPS, Word/Excel or LibreOffice and save it as "
        f"{target} (or run: soffice --headless --convert-to {target.split()[0].lstrip('.')} \"{source}\")",
        code=ErrorCode.LEGACY_FORMAT)
