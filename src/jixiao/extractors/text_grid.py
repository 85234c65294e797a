"""Text dumps of a table, in the shapes web pages and converters leave them, as a Grid.

Forms recognised (by what the lines look like, never by the file name):

- ``pipe``: one table row per line, cells separated by ``|`` (a saved page or
  a Markdown-ish export);
- ``cell_lines``: one cell per line ending in ``|``, a row opened by a lone
  ``|`` and closed by a line of pipes (an HTML table dumped by a crawler);
- ``spaced``: one row per line, cells separated by spaces (a spreadsheet's
  text); cells are whitespace tokens, so a free-text cell may have been split
  into several tokens and the layout reader joins them again.

Empty cells are dropped: in all three forms a merged cell leaves no trace, so
the layout reader aligns each row to the header by what its cells hold.
"""

from __future__ import annotations

import re

from ..model import Extracted, Grid, GridCell, Provenance

_PIPE_ONLY = re.compile(r"^\s*\|{2,}\s*$")
_CELL_LINE = re.compile(r"^(.*?)\s*\|\s*$")


def detect_form(lines: list[str]) -> str:
    """Which text form the dump is in."""
    stripped = [line.strip() for line in lines if line.strip()]
    if not stripped:
        return "spaced"
    ends_with_pipe = sum(1 for line in stripped if line.endswith("|"))
    inner_pipes = sum(1 for line in stripped if line.rstrip("|").count("|") >= 2)
    pipe_only = sum(1 for line in stripped if _PIPE_ONLY.match(line))
    if pipe_only >= 3 and ends_with_pipe > 0.4 * len(stripped) and inner_pipes < 0.2 * len(stripped):
        return "cell_lines"
    if inner_pipes >= 3:
        return "pipe"
    return "spaced"


def _cell(source: str, text: str, row: int, col: int, line: int) -> GridCell:
    return GridCell(text=text, row=row, col=col, provenance=Provenance(file=source, line=line))


def text_grid(source: str, text: str) -> Grid:
    """The whole dump as one grid of rows (the layout reader finds the table in it)."""
    lines = text.splitlines()
    form = detect_form(lines)
    rows: list[list[tuple[str, int]]] = []  # (cell text, line number)
    if form == "cell_lines":
        current: list[tuple[str, int]] | None = None
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if not stripped:
                continue
            if _PIPE_ONLY.match(stripped):
                if current is not None:
                    rows.append(current)
                current = None
                continue
            if stripped == "|":
                if current is None:
                    current = []  # a row opens
                continue  # an empty cell
            match = _CELL_LINE.match(stripped)
            if match:
                if current is None:
                    current = []
                current.append((match.group(1).strip(), number))
            else:  # a line outside the table (title, sign-off, page furniture)
                if current:
                    rows.append(current)
                    current = None
                rows.append([(stripped, number)])
        if current:
            rows.append(current)
    else:
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if not stripped:
                continue
            if form == "pipe" and "|" in stripped:
                parts = [part.strip() for part in stripped.split("|")]
            elif form == "pipe":
                parts = [stripped]
            else:
                parts = stripped.split()
            cells = [(part, number) for part in parts if part]
            if cells:
                rows.append(cells)
    cells = [_cell(source, text_, r, c, line) for r, row in enumerate(rows) for c, (text_, line) in enumerate(row)]
    return Grid(source=source, form=form, cells=cells, positional=False, tokenised=form == "spaced",
                lines=[(n, line) for n, line in enumerate(lines, start=1) if line.strip()])


def extract_text_grids(source: str, text: str, filing_id: str, *, encoding: str, errors: list,
                       year_hint: int | None) -> Extracted:
    return Extracted(filing=filing_id, source=source, route="text", grids=[text_grid(source, text)],
                     errors=list(errors), encoding=encoding, year_hint=year_hint)
