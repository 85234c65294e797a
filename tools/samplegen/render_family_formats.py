"""A family table in the formats users meet besides text dumps and PDFs: a saved web page,
an XLSX and an XLS workbook and a Word document.

One adapter, ``family_sheet``, turns a :class:`~samplegen.families.FamilyTable` into the
:class:`~samplegen.render_formats.Sheet` that render_formats' writers draw; no format is
written here. The sheet is the table as the department's office typed it: the title lines
(one cell over the whole width each), the header block (label/value pairs spread over the
width as ``render_formats.block_row`` spreads them), the column headers once, and the body,
where a 一级/二级 cell covering a group (``None`` below it in ``FamilyTable.body``) is one
merged cell: rowspan in HTML, a merged range in XLSX/XLS, vMerge in DOCX. Numbers and plain
percentages are typed as a spreadsheet user types them (``100%`` is 1 shown as ``0%``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import render_formats as rf
from .families import FamilyTable

NATIVE_FORMS = ("html", "xlsx", "xls", "docx")
CHARSETS = ("gb2312", "utf-8")  # a saved page declares one of these (the second department: UTF-8)


def _body_cells(body: list[list[Optional[str]]]) -> list[list[Optional[rf.Cell]]]:
    """Each body cell with the number of rows it covers: itself and the ``None`` cells under it."""
    out: list[list[Optional[rf.Cell]]] = []
    for i, row in enumerate(body):
        cells: list[Optional[rf.Cell]] = []
        for col, text in enumerate(row):
            span = 1
            while text is not None and i + span < len(body) and body[i + span][col] is None:
                span += 1
            cells.append(None if text is None else (text, span, 1))
        out.append(cells)
    return out


def family_sheet(table: FamilyTable, *, charset: str = "gb2312") -> rf.Sheet:
    """The sheet every native writer draws for a family table (see the module docstring)."""
    width = len(table.columns)
    rows: list[list[Optional[rf.Cell]]] = [[(line, 1, width)] for line in table.title]
    rows += [list(rf.block_row(list(zip(r[0::2], r[1::2])), width)) for r in table.block]
    header_index = len(rows)
    rows.append([(name, 1, 1) for name in table.columns])
    rows += _body_cells(table.body)
    return rf.Sheet(tuple(table.title), rows, header_index, charset)


def render_native(table: FamilyTable, form: str, path: Path, *, charset: str = "gb2312") -> bool:
    """Write the table as ``form`` (html, xlsx, xls, docx) at ``path``; False when the writer's
    library is missing (xlwt, a test extra, for xls)."""
    sheet = family_sheet(table, charset=charset)
    if form == "html":
        path.write_bytes(rf.render_html(sheet))
    elif form == "xlsx":
        rf.render_xlsx(sheet, path)
    elif form == "xls":
        return rf.render_xls(sheet, path)
    elif form == "docx":
        rf.render_docx(sheet, path)
    else:
        raise ValueError(f"unknown native form {form!r}; choose from {NATIVE_FORMS}")
    return True
