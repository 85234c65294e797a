"""A family table as the text dumps real filings come in (see samples/real/):

- ``spaced``: one row per line, cells separated by a space, empty and merged cells
  leave no trace (04-ganzi, 01-ningde); a row may break where the spreadsheet cell
  wrapped (a budget export's 定性 row: its weight on the next line);
- ``pipe``: ``cell | cell | … |``, empty cells kept as `` | | ``, merged cells dropped and
  the line padded with pipes at its end (03-fengjie);
- ``cell_lines``: one cell per line ending in `` |``, a row opened by a lone ``|`` and
  closed by a line of pipes, an empty cell a lone ``|`` (07-xiangtan);
- ``pipe_merged``: the table as a crawler dumps the saved web page's ``<table>`` with its
  rowspans (render_family_formats): ``| cell | cell |``, a merged 一级/二级 cell printed once
  and the rows it covers printing it EMPTY (``| | 质量指标 | …``), every row as wide as the
  table, the header once, the title lines as plain text (32-lvliang prints a merged cell so).
"""
from __future__ import annotations

from .families import FamilyTable


def _table_rows(table: FamilyTable, *, repeat: bool = True) -> list[tuple[str, list[str | None], int | None]]:
    """(kind, cells, break column) of every table line: block rows, header rows (again every
    ``table.repeat_header`` body rows when ``repeat``), body rows."""
    out = [("block", list(r), None) for r in table.block]
    out.append(("header", list(table.columns), None))
    for k, row in enumerate(table.body):
        if repeat and table.repeat_header and k and k % table.repeat_header == 0:
            out.append(("header", list(table.columns), None))
        out.append(("body", row, table.breaks.get(k)))
    return out


def _spaced(table: FamilyTable) -> list[str]:
    lines = list(table.title)
    for _kind, cells, cut in _table_rows(table):
        parts = [cells] if cut is None else [cells[:cut], cells[cut:]]
        for part in parts:
            text = " ".join(c for c in part if c)
            if text:
                lines.append(text)
    return lines


def _pipe(table: FamilyTable) -> list[str]:
    n = len(table.columns)
    lines = [f"{t} | " + "|" * (n - 1) for t in table.title]
    for _kind, cells, _cut in _table_rows(table):
        present = [c for c in cells if c is not None]
        parts = present + [""] * (n - len(present))
        lines.append(" | ".join(parts).rstrip() + " |")
    return lines


def _cell_lines(table: FamilyTable) -> list[str]:
    n = len(table.columns)
    lines = list(table.title)
    for _kind, cells, _cut in _table_rows(table):
        present = [c for c in cells if c is not None]
        lines.append("|")
        lines += [f"{c} |" if c else "|" for c in present]
        lines.append("|" * max(2, 1 + n - len(present)))
    return lines


def _pipe_merged(table: FamilyTable) -> list[str]:
    lines = list(table.title)
    for _kind, cells, _cut in _table_rows(table, repeat=False):
        lines.append("|" + "".join(f" {c} |" if c else " |" for c in cells))
    return lines


def render_text(table: FamilyTable, form: str) -> str:
    """The whole dump of one filing in one text form."""
    lines = {"spaced": _spaced, "pipe": _pipe, "cell_lines": _cell_lines, "pipe_merged": _pipe_merged}[form](table)
    return "\n".join(lines) + "\n"
