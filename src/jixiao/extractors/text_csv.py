"""The ``csv`` text form: a spreadsheet saved as comma-separated values.

A budget system or an office suite saves a sheet as CSV (``"项目","考核内容","考核指标",…``), and a
web page or an attachment shows that text as it is. Python's :mod:`csv` reads it, quoted cells that
hold commas and line breaks included; every row keeps its empty cells, so each cell stands in its
column (the form is positional). Chinese text separates its clauses with full-width commas (，),
so ASCII commas between quoted fields say plainly that a text is CSV.
"""

from __future__ import annotations

import csv
import io
import re

# a field closed by a quote, a comma, and the next field opened by one: '"项目","考核内容"'
_QUOTED_SEPARATOR = re.compile(r'"\s*,\s*"')
_MIN_QUOTED_LINES = 3


def csv_score(lines: list[str]) -> float:
    """How well CSV explains the text: 0.7 when three lines or more (and a fifth of the lines that
    hold text) separate quoted fields by commas, else 0."""
    stripped = [line for line in lines if line.strip()]
    quoted = sum(1 for line in stripped if _QUOTED_SEPARATOR.search(line))
    return 0.7 if quoted >= _MIN_QUOTED_LINES and quoted >= 0.2 * len(stripped) else 0.0


def csv_rows(lines: list[str]) -> list[list[tuple[str, int]]]:
    """The records of the CSV text, each a row of (cell text, line the record starts on), empty cells
    kept in their places; a quoted cell's line breaks are kept in its text. Rows with no text at all
    are left out (they hold no cell)."""
    reader = csv.reader(io.StringIO("\n".join(lines)), skipinitialspace=True)
    rows: list[list[tuple[str, int]]] = []
    start = 1
    for record in reader:
        cells = [(field.strip(), start) for field in record]
        if any(text for text, _ in cells):
            rows.append(cells)
        start = reader.line_num + 1
    return rows
