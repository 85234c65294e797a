"""The same sheets as a saved web page: the table with its text exact, to tell OCR's misses from the reader's.

A scan reads no better than the reader reads the same table from perfect text. ``eval_realscans
--ceiling`` converts these pages beside the scans: a field the page gets right and the scan gets wrong
is OCR's (or the scan path's) miss; one both get wrong is the reader's.
"""

from __future__ import annotations

import html
from pathlib import Path

from .tables import Sheet


def _spans(body: list[list]) -> list[list[tuple[str, int]]]:
    """Each body row's cells as (text, rowspan); covered cells (None) are left out."""
    out = []
    for r, row in enumerate(body):
        cells = []
        for c, text in enumerate(row):
            if text is None:
                continue
            span = 1
            while r + span < len(body) and body[r + span][c] is None:
                span += 1
            cells.append((text, span))
        out.append(cells)
    return out


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>"


def sheet_html(sheet: Sheet) -> str:
    """One sheet: title, header block table, indicator table (merged cells as rowspans), total row."""
    width = len(sheet.columns) + (1 if sheet.row_label else 0)
    parts = [f"<h2>{html.escape(sheet.title)}</h2>"] + [f"<p>{html.escape(line)}</p>" for line in sheet.subtitle]
    parts.append("<table border=1>")
    for row in sheet.block:
        cells = [_td(row[0], colspan=4 if len(row) == 1 else 1)] + [_td(t, colspan=3 if len(row) == 2 else 1)
                                                                    for t in row[1:]]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table><table border=1>")
    label = _td(sheet.row_label, rowspan=len(sheet.body) + 1) if sheet.row_label else ""
    parts.append("<tr>" + label + "".join(_td(c.header) for c in sheet.columns) + "</tr>")
    for cells in _spans(sheet.body):
        parts.append("<tr>" + "".join(_td(text, span) for text, span in cells) + "</tr>")
    if sheet.total:
        texts = [t for t in sheet.total if t is not None]
        first = width - (len(texts) - 1)
        parts.append("<tr>" + _td(texts[0], colspan=first) + "".join(_td(t) for t in texts[1:]) + "</tr>")
    parts.append("</table>" + "".join(f"<p>{html.escape(line)}</p>" for line in sheet.footer))
    return "".join(parts)


def write_html(sheets: list[Sheet], path: Path) -> None:
    body = "".join(sheet_html(sheet) for sheet in sheets)
    path.write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>', encoding="utf-8")
