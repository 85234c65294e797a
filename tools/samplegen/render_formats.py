"""Render one table filing in every published format from the same truth.

    PYTHONPATH=tools python -m samplegen.render_formats --out samples/formats

A *table spec* is a whole filing as departments publish it outside the seed's
split layout: a title, a header block (label → value pairs, two to a row), the
indicator table's columns and its rows (format_specs.py). Each spec is written as:

- ``<id>.txt``   the page's text as a crawler keeps it: one row per line, cells
                 joined by `` | ``, merged cells given only in their first row;
- ``<id>.html``  a saved page in GB2312 with navigation around it, the header
                 block and the indicators as tables, merged cells as rowspan;
- ``<id>.xlsx``  one sheet, merged ranges, a percent cell stored as 0.95 with
                 the ``0%`` format;
- ``<id>.xls``   the same with xlwt (Excel 97), when xlwt is installed;
- ``<id>.docx``  python-docx, merged cells as vMerge/gridSpan;
- ``<id>.pdf``   a ruled text-layer PDF, merged cells drawn merged (ruled_pdf.py);
- ``<id>.truth.json`` the records every format must give.

Every writer draws a :class:`Sheet` (title lines, header block, column headers,
rows, merged cells as spans); ``sheet_of`` makes one from a spec here, and
``render_family_formats.family_sheet`` from a layout family's table, so the
families are written by these same writers.

Nothing here imports jixiao: the truth is written from the spec alone. Every
file is byte-for-byte deterministic: the zip packages (XLSX, DOCX) are written
with fixed entry dates (``_fixed_zip``) and fixed document dates.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .format_specs import SPECS

LEVEL_KEYS = ("level1", "level2")
STAMP = dt.datetime(2024, 1, 1)  # the documents' created/modified dates



Cell = tuple[str, int, int]  # text, rows spanned, columns spanned
FOOTER = "填表人：张三  联系电话：0731-12345678"
# the bytes a declared charset is written in (a GB2312 page holds GB18030 bytes, as real ones do)
ENCODINGS = {"gb2312": "gb18030", "utf-8": "utf-8"}


@dataclass(frozen=True)
class Sheet:
    """A whole filing as every writer here draws it, cell for cell.

    ``rows`` are the sheet's rows of cells ``(text, row_span, col_span)``; ``None`` is a
    slot covered by a merged cell above (left-covered slots are simply not listed, as in
    HTML). The first ``len(title)`` rows are the title lines, each one cell over the whole
    width; ``header_index`` is the row of the indicator table's column headers, and the
    rows between are the header block. ``charset`` is what a saved page declares."""

    title: tuple[str, ...]
    rows: list[list[Optional[Cell]]]
    header_index: int
    charset: str = "gb2312"


def _text(value) -> str:
    return "" if value is None else str(value)


def _merged_runs(rows: list[dict], key: str) -> list[int]:
    """Per row: how many rows its cell in column ``key`` covers (0: covered by the one above).
    A 二级 run never crosses a 一级 boundary."""
    spans = [0] * len(rows)
    start = 0
    for i in range(1, len(rows) + 1):
        same = i < len(rows) and rows[i][key] == rows[start][key] and (
            key == "level1" or rows[i]["level1"] == rows[start]["level1"])
        if not same:
            spans[start] = i - start
            start = i
    return spans


def block_row(pairs: list[tuple[str, str]], width: int) -> list[Cell]:
    """One header-block row: one or two label/value pairs spread over ``width`` columns (each
    label one column, each value the rest of its half; a lone pair's value the rest of the row)."""
    row: list[Cell] = []
    for k, (name, value) in enumerate(pairs):
        span = width - 1 if len(pairs) == 1 else (width // 2 - 1 if k == 0 else width - width // 2 - 1)
        row += [(name, 1, 1), (value, 1, max(1, span))]
    return row


def sheet_of(spec: dict) -> Sheet:
    """A table spec as a sheet: its title, the header block two pairs to a row, the column
    headers and the rows, 一级/二级 merged over their runs (and a row label down the left)."""
    keys = [k for k, _ in spec["columns"]]
    label = spec.get("row_label")
    width = len(keys) + (1 if label else 0)
    out: list[list[Optional[Cell]]] = [[(spec["title"], 1, width)]]
    block = spec["block"]
    out += [list(block_row(block[i:i + 2], width)) for i in range(0, len(block), 2)]
    header = ([(label, 1, 1)] if label else []) + [(h, 1, 1) for _, h in spec["columns"]]
    header_index = len(out)
    out.append(list(header))
    runs = {key: _merged_runs(spec["rows"], key) for key in LEVEL_KEYS}
    for i, row in enumerate(spec["rows"]):
        cells: list[Optional[Cell]] = []
        if label and i == 0:
            cells.append((label, len(spec["rows"]), 1))
        for key in keys:
            if key in LEVEL_KEYS:
                cells.append((row[key], runs[key][i], 1) if runs[key][i] else None)  # None: merged above
            else:
                cells.append((_text(row.get(key)), 1, 1))
        out.append(cells)
    return Sheet((spec["title"],), out, header_index)


def _positions(rows) -> list[list[tuple[int, int, str, int, int]]]:
    """(row, col, text, rs, cs) of every cell that is drawn, by the HTML placement rule."""
    occupied: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c, placed = 0, []
        for cell in row:
            while (r, c) in occupied:
                c += 1
            if cell is None:
                continue  # covered by a merged cell above: the occupied set skips it
            text, rs, cs = cell
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    occupied.add((rr, cc))
            placed.append((r, c, text, rs, cs))
            c += cs
        out.append(placed)
    return out


_PERCENT = re.compile(r"^\d+(\.\d+)?%$")


def _percent(text: str):
    """A plain percentage ('60%', '26.1%') is stored as a fraction with a percent format, as Excel
    users type it: (value, format), or None for any other text."""
    match = _PERCENT.match(text)
    if not match:
        return None
    decimals = len(match.group(1) or ".") - 1
    return round(float(text[:-1]) / 100, 6), "0%" if not decimals else "0." + "0" * decimals + "%"


def _typed(text: str):
    """A cell's value as a spreadsheet user types it: (value, number format or None). A plain
    percentage is a fraction shown as a percent, a plain number (no leading 0) a number."""
    if _percent(text):
        return _percent(text)
    if text and _is_number(text) and not text.startswith("0"):
        return (float(text) if "." in text else int(text)), None
    return text, None


def _fixed_zip(path: Path) -> None:
    """Rewrite a zip package (XLSX, DOCX) with every entry dated 1980-01-01, in the same order
    and compression, so that the same content gives the same bytes on every run."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            target.writestr(fixed, data)


def render_text(sheet: Sheet) -> str:
    """The page's text as a crawler keeps it: cells joined by `` | ``, merged cells given once."""
    lines = ["首页 > 政务公开 > 财政预决算", ""]
    for row in sheet.rows:
        lines.append(" | ".join(cell[0] for cell in row if cell is not None))
    lines += ["", FOOTER]
    return "\n".join(lines) + "\n"


def render_html(sheet: Sheet) -> bytes:
    """A saved government page: navigation, the title, the header block and the indicator
    table as ``<table>``s (merged cells as rowspan/colspan), a footer; in ``sheet.charset``."""
    import html

    rows, header_index, first = sheet.rows, sheet.header_index, len(sheet.title)
    title = html.escape(sheet.title[0])
    head = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={sheet.charset}">',
            f"<title>{title}</title><style>td{{border:1px solid}}</style>",
            "<script>var nav = '<table><tr><td>x</td></tr></table>';</script></head><body>",
            "<nav><a href='/'>首页</a> | <a href='/zwgk'>政务公开</a></nav>", f"<h2>{title}</h2>"]
    head += [f"<p>{html.escape(line)}</p>" for line in sheet.title[1:]]
    body = ["<table class='block'>"]
    for row in rows[first:header_index]:
        body.append("<tr>" + "".join(_td(cell) for cell in row) + "</tr>")
    body.append("</table><table class='indicators'>")
    for row in rows[header_index:]:
        tag = "th" if row is rows[header_index] else "td"
        body.append("<tr>" + "".join(_td(cell, tag) for cell in row if cell is not None) + "</tr>")
    tail = [f"</table><p>{html.escape(FOOTER).replace('  ', '&nbsp;&nbsp;')}</p>",
            "<footer>版权所有 © 某某市人民政府</footer></body></html>"]
    return "\n".join(head + body + tail).encode(ENCODINGS[sheet.charset])


def _td(cell, tag: str = "td") -> str:
    import html

    text, rs, cs = cell
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f"<{tag}{attrs}>{html.escape(text)}</{tag}>"


def render_xlsx(sheet: Sheet, path: Path) -> None:
    """One worksheet, merged ranges, numbers and percentages typed (see _typed); the same
    bytes on every run."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    worksheet = book.active
    worksheet.title = "绩效目标表"
    for placed in _positions(sheet.rows):
        for r, c, text, rs, cs in placed:
            cell = worksheet.cell(row=r + 1, column=c + 1)
            value, number_format = _typed(text)
            cell.value = value if value != "" else None
            if number_format:
                cell.number_format = number_format
            if rs > 1 or cs > 1:
                worksheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs, end_column=c + cs)
    book.properties.creator = "jixiao samplegen"
    book.properties.created = book.properties.modified = STAMP
    # openpyxl's Workbook.save stamps the save time as "modified"; its writer itself does not
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    _fixed_zip(path)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def render_xls(sheet: Sheet, path: Path) -> bool:
    """The same as an Excel 97 workbook (xlwt); False when xlwt is not installed."""
    try:
        import xlwt
    except ImportError:
        return False
    book = xlwt.Workbook(encoding="utf-8")
    worksheet = book.add_sheet("绩效目标表")
    for placed in _positions(sheet.rows):
        for r, c, text, rs, cs in placed:
            value, number_format = _typed(text)
            args = (value, xlwt.easyxf(num_format_str=number_format)) if number_format else (value,)
            if rs > 1 or cs > 1:
                worksheet.write_merge(r, r + rs - 1, c, c + cs - 1, *args)
            else:
                worksheet.write(r, c, *args)
    book.save(str(path))
    return True


def render_docx(sheet: Sheet, path: Path) -> None:
    """A Word document: the title lines as paragraphs, the header block and the indicators as one
    table (merged cells as vMerge/gridSpan), the footer; the same bytes on every run."""
    import docx

    document = docx.Document()
    document.core_properties.author = "jixiao samplegen"
    document.core_properties.created = document.core_properties.modified = STAMP
    first = len(sheet.title)
    for line in sheet.title:
        document.add_paragraph(line)
    positions = _positions(sheet.rows)
    n_cols = max(c + cs for placed in positions for _, c, _, _, cs in placed)
    table = document.add_table(rows=len(sheet.rows) - first, cols=n_cols)
    for placed in positions[first:]:
        for r, c, text, rs, cs in placed:
            top = table.cell(r - first, c)
            if rs > 1 or cs > 1:
                top = top.merge(table.cell(r - first + rs - 1, c + cs - 1))
            top.text = text
    document.add_paragraph(FOOTER)
    document.save(str(path))
    _fixed_zip(path)


_COMBINED = re.compile(r"^(≥|≤|=|>|<)?\s*(\d+(?:\.\d+)?)\s*(.*)$")


def render_pdf(sheet: Sheet, path: Path) -> None:
    """The same sheet as a ruled PDF: every cell where the HTML placement rule puts it."""
    from .ruled_pdf import Page, Span, render

    rows = sheet.rows
    placed = _positions(rows)
    width = max(c + cs for row in placed for (_, c, _, _, cs) in row)
    slots: list[list] = [["" for _ in range(width)] for _ in rows]
    for row in placed:
        for r, c, text, rs, cs in row:
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    slots[rr][cc] = None  # covered by the merged cell
            slots[r][c] = Span(text, rs, cs) if rs > 1 or cs > 1 else text
    # each column as wide as its longest single cell (so no text runs to a border, which a reader
    # would rightly take for a clipped cell); a wide sheet is drawn in a smaller size, not squeezed
    def widths(size: float) -> list[float]:
        need = [12.0] * width
        for row in placed:
            for _, c, text, _, cs in row:
                if cs == 1:
                    need[c] = max(need[c], size * len(text) + 30.0)
        return need

    size = next((s for s in (8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0) if sum(widths(s)) <= 780.0), 5.0)
    need = widths(size)
    scale = min(1.0, 780.0 / sum(need))
    render(path, [Page(rows=slots, widths=[w * scale for w in need])], size=size)


def truth(spec: dict) -> dict:
    """The records every format must give. A combined value column (指标值及单位, 年度指标值) is
    split into operator, target and unit, as the layout reader splits it."""
    keys = [k for k, _ in spec["columns"]]
    records = []
    for row in spec["rows"]:
        record = {k: row.get(k) for k in keys}
        if "operator" not in keys:
            match = _COMBINED.match(row["target"])
            if match:
                record.update(operator=match.group(1) or "=", target=match.group(2), unit=match.group(3) or None)
        if "weight" in keys:
            record["score"] = row["weight"]  # a budget export's 权重 is the score too
        records.append(record)
    return {"id": spec["id"], "kind": spec["kind"], "year": spec["year"], "department": spec["department"],
            "project": spec["project"], "period": spec["period"], "budget": spec["budget"],
            "columns": keys, "records": records}


def write_all(out: Path) -> list[Path]:
    """Write every spec in every format, with its truth; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS:
        stem, sheet = out / spec["id"], sheet_of(spec)
        (stem.with_suffix(".txt")).write_text(render_text(sheet), encoding="utf-8")
        (stem.with_suffix(".html")).write_bytes(render_html(sheet))
        render_xlsx(sheet, stem.with_suffix(".xlsx"))
        render_docx(sheet, stem.with_suffix(".docx"))
        render_pdf(sheet, stem.with_suffix(".pdf"))
        forms = [".txt", ".html", ".xlsx", ".docx", ".pdf"]
        if render_xls(sheet, stem.with_suffix(".xls")):
            forms.append(".xls")
        (stem.with_suffix(".truth.json")).write_text(
            json.dumps(truth(spec), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written += [stem.with_suffix(f) for f in forms]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("samples/formats"))
    args = parser.parse_args()
    for path in write_all(args.out):
        print(path)


if __name__ == "__main__":
    main()
