"""Spreadsheet safety: cells a spreadsheet would run as a formula are neutralised (CSV injection).

OWASP's CSV-injection guidance: a cell that starts with ``=``, ``+``, ``-``,
``@``, TAB or CR may be run as a formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``,
DDE). A hostile filing could put one in any text cell, and the clerk who opens
records.csv or records.xlsx would run it. The rule jixiao applies:

* **CSV** (records.csv): such a value is written with a single quote ``'`` in
  front, and so is each piece of a value after a ``;`` or a line break (a locale
  whose list separator is ``;`` splits the cell there). Full-width ``＝ ＋ － ＠`` are treated the same, because some spreadsheet
  versions with Chinese input settings normalise them to their ASCII forms.
  Exceptions, because they cannot run: a value of one character (a lone ``=``
  operator or ``-`` placeholder has nothing after the sign), and a plain
  number (``-5``, ``+3.5``, ``-10%``), which stays a number. Excel shows the
  quote of an opened CSV as part of the text (``'=SUM(A1)``): that is the
  visible price of safety; the operator ``=`` itself is written as ``=`` and
  reads ``=``.
* **XLSX** (records.xlsx): every text value is stored as a string cell (never a
  formula) with the quote-prefix style on those that start with a trigger, so
  Excel shows the text exactly, with no apostrophe, and keeps it text when the
  cell is edited.
* **XLSX cell size**: Excel refuses a workbook with a cell over 32,767
  characters, so a longer text (a hostile or broken filing) is cut there in
  the XLSX only, ending in "…[截断，全文见 records.jsonl]"; CSV, JSON and Parquet keep it whole.
* **JSON and Parquet** are data, not documents a spreadsheet runs: values there
  are never changed (``=`` round-trips as ``=``).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PLAIN_NUMBER = re.compile(r"[+\-－＋]?\d+(?:[.,]\d+)*%?")


def runs_as_formula(value: Any) -> bool:
    """Whether a spreadsheet could take this value for a formula."""
    return (isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_TRIGGERS)
            and PLAIN_NUMBER.fullmatch(value) is None)


_SPLITS = re.compile(r"([;\n])")


def csv_safe(value: Any) -> Any:
    """The value to write into a CSV cell: quoted with ``'`` when it could run as a formula, and so is
    each piece after a ``;`` or a line break. Excel in a locale whose list separator is ``;`` (much of
    Europe) splits ``完成;=cmd|' /C calc'!A0`` into two cells and runs the second, quotes or not (a quote
    in the middle of its field is a character); a line break inside a value ends its row there
    (issue 23)."""
    if not isinstance(value, str):
        return value
    value = "'" + value if runs_as_formula(value) else value
    if not _SPLITS.search(value):
        return value
    pieces = _SPLITS.split(value)  # text, separator, text, separator, …
    return "".join(("'" + piece if k and k % 2 == 0 and runs_as_formula(piece) else piece)
                   for k, piece in enumerate(pieces))


EXCEL_CELL_LIMIT = 32_767
CLIPPED = "…[截断，全文见 records.jsonl]"


def xlsx_text(value: str) -> str:
    """A text that fits in one Excel cell."""
    return value if len(value) <= EXCEL_CELL_LIMIT else value[:EXCEL_CELL_LIMIT - len(CLIPPED)] + CLIPPED
