"""The ``pdftotext -layout`` form: a table whose columns are told by where their text starts.

``pdftotext -layout`` (and any converter that lays a page out in characters) keeps each cell at its
horizontal place: cells are runs of text separated by two blanks or more, a column is where its
header's name stands, a cell the page wrapped goes on over the lines around its row, and a merged
cell (一级指标 over five rows) is printed once, at the middle of the rows it covers. So:

1. positions are display columns (a Chinese character is two wide, as the converter drew it);
2. the header is the line (or the lines) whose runs are column names; each column reaches from
   halfway after the column before it to halfway before the next;
3. every run of the body goes to the column its middle falls in;
4. the rows are told by an *anchor* column: the one whose cells never go on over a second line and
   that is filled most often (a value, a score); each of its cells opens a row on its line, and the
   runs of a wrapped cell go to the row whose line is nearest;
5. a column filled far less often than there are rows holds merged cells: each covers the rows
   around it (as many above its middle as below), and is repeated on each of them.

The grid comes out positional: every row holds every column, an empty cell as ''. Nothing here
knows what a column means; the names only say where the columns are.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..layout.vocabulary import match_header, normalise, is_row_label_header

Rows = list[list[tuple[str, int]]]
_GAP = re.compile(r"\s{2,}")
_PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*\d{1,3}\s*[-—－]?\s*$|^\s*第\s*\d+\s*页")


@dataclass
class Run:
    """A run of text on one line: its display columns [start, end) and its text."""

    start: int
    end: int
    text: str
    line: int  # 1-based line number

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def runs_of(line: str, number: int) -> list[Run]:
    """The runs of a line: text separated by two blanks or more (a tab counts as a gap)."""
    out: list[Run] = []
    position = 0
    line = line.replace("\t", "  ").replace("\f", "")
    for match in re.finditer(r"\S+(?: \S+)*", line):
        position_start = _width(line[:match.start()])
        out.append(Run(position_start, position_start + _width(match.group()), match.group(), number))
        position = match.end()
    del position
    return out


def _header_names(runs: list[Run]) -> int:
    return sum(1 for run in runs if match_header(run.text) is not None or is_row_label_header(run.text))


@dataclass
class Columns:
    """The columns of a table, from its header runs: each column's span on the line."""

    starts: list[int]
    ends: list[int]
    names: list[str]
    header_lines: list[int] = field(default_factory=list)

    def index(self, run: Run) -> int:
        """The column a run belongs to: the one its middle falls in (between the neighbours' midpoints)."""
        for k in range(len(self.starts) - 1):
            if run.middle < (self.ends[k] + self.starts[k + 1]) / 2:
                return k
        return len(self.starts) - 1


def _find_header(lines: list[list[Run]], start: int = 0) -> Optional[int]:
    """The first line from ``start`` whose runs include three column names or more."""
    for k in range(start, len(lines)):
        if len(lines[k]) >= 3 and _header_names(lines[k]) >= 3:
            return k
    return None


def _header_columns(lines: list[list[Run]], k: int) -> tuple[Columns, int]:
    """The columns of the header at line index ``k`` (with a header name wrapped onto the next line,
    '评(扣)分' / '标准', joined to it), and the index of the first body line."""
    runs = sorted(lines[k], key=lambda r: r.start)
    columns = Columns([r.start for r in runs], [r.end for r in runs], [r.text for r in runs], [runs[0].line])
    nxt = k + 1
    while nxt < len(lines) and lines[nxt] and _continues_header(columns, lines[nxt]):
        for run in lines[nxt]:
            i = columns.index(run)
            columns.names[i] += run.text
            columns.starts[i], columns.ends[i] = min(columns.starts[i], run.start), max(columns.ends[i], run.end)
        columns.header_lines.append(lines[nxt][0].line)
        nxt += 1
    return columns, nxt


def _continues_header(columns: Columns, runs: list[Run]) -> bool:
    """A line right under the header whose runs each finish a header name ('标准' under '评(扣)分')."""
    if len(runs) > len(columns.names) or _header_names(runs) >= 2:
        return False
    for run in runs:
        i = columns.index(run)
        if match_header(columns.names[i] + run.text) is None or len(normalise(run.text)) > 6:
            return False
    return True


def _is_header_again(columns: Columns, runs: list[Run]) -> bool:
    return len(runs) >= 3 and _header_names(runs) >= max(3, len(columns.names) // 2)


def _anchor(body: list[tuple[int, dict[int, Run]]], width: int) -> Optional[int]:
    """The column whose cells open rows: never on two lines running, filled most often, rightmost of equals."""
    best: Optional[tuple[int, int]] = None
    for column in range(width):
        lines = [k for k, (_, cells) in enumerate(body) if column in cells]
        if len(lines) < 2 or any(b - a == 1 for a, b in zip(lines, lines[1:])):
            continue
        if best is None or len(lines) >= best[0]:
            best = (len(lines), column)
    return best[1] if best else None


def _rows_by_anchor(body: list[tuple[int, dict[int, Run]]], anchor: int) -> list[int]:
    """For each body line, the row it belongs to: the row opened by the nearest anchor line."""
    cores = [k for k, (_, cells) in enumerate(body) if anchor in cells]
    owner = []
    for k in range(len(body)):
        nearest = min(range(len(cores)), key=lambda i: (abs(cores[i] - k), cores[i] < k))
        owner.append(nearest)
    return owner


def _merged_spans(body: list[tuple[int, dict[int, Run]]], cores: list[int], column: int) -> dict[int, str]:
    """Row → text for a column of merged cells: each cell covers as many rows above its middle as below."""
    cells = [(k, run) for k, (_, runs) in enumerate(body) if column in runs for run in [runs[column]]]
    out: dict[int, str] = {}
    first_free = 0
    for k, run in cells:
        centre = min(range(len(cores)), key=lambda i: abs(cores[i] - k))
        top = min(first_free, centre)
        bottom = max(centre, 2 * centre - top)
        for row in range(top, min(bottom, len(cores) - 1) + 1):
            out.setdefault(row, run.text)
        first_free = max(first_free, bottom + 1)
    return out


def _table_rows(columns: Columns, body: list[tuple[int, dict[int, Run]]]) -> Rows:
    """The table's rows: every column of every row, merged cells repeated, wrapped cells joined."""
    width = len(columns.names)
    anchor = _anchor(body, width)
    if anchor is None:
        return [[(run.text if k in cells else "", line) for k in range(width) for run in [cells.get(k)]]
                for line, cells in body]
    owner = _rows_by_anchor(body, anchor)
    cores = [k for k, (_, cells) in enumerate(body) if anchor in cells]
    texts: list[list[str]] = [[""] * width for _ in cores]
    filled = {column: sum(1 for _, cells in body if column in cells) for column in range(width)}
    merged = {column for column, count in filled.items() if 0 < count < len(cores) * 0.6 and column < anchor}
    for k, (_, cells) in enumerate(body):
        for column, run in cells.items():
            if column not in merged:
                texts[owner[k]][column] += run.text
    for column in merged:
        for row, text in _merged_spans(body, cores, column).items():
            texts[row][column] = text
    return [[(text, body[cores[r]][0]) for text in row] for r, row in enumerate(texts)]


def _body_cells(columns: Columns, runs: list[Run]) -> dict[int, Run]:
    cells: dict[int, Run] = {}
    for run in runs:
        k = columns.index(run)
        if k in cells:  # two runs in one column on one line: one cell with a gap in it
            cells[k] = Run(cells[k].start, run.end, f"{cells[k].text} {run.text}", run.line)
        else:
            cells[k] = run
    return cells


def _ends_body(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def layout_rows(lines: list[str]) -> Rows:
    """The rows of a ``pdftotext -layout`` page: the lines above the header as rows of their runs, the
    header, the table's rows (see the module docstring), then the lines after the table."""
    runs = [runs_of(line, k) for k, line in enumerate(lines, start=1)]
    header = _find_header(runs)
    if header is None:
        return [[(r.text, r.line) for r in line] for line in runs if line]
    rows: Rows = [[(r.text, r.line) for r in line] for line in runs[:header] if line]
    k = header
    while k is not None and k < len(runs):
        columns, k = _header_columns(runs, k)
        rows.append([(name, columns.header_lines[0]) for name in columns.names])
        body: list[tuple[int, dict[int, Run]]] = []
        while k < len(runs) and not (runs[k] and _is_header_again(columns, runs[k])):
            line = runs[k]
            if line and not (len(line) == 1 and _ends_body(line[0].text)):
                body.append((line[0].line, _body_cells(columns, line)))
            k += 1
        rows.extend(_table_rows(columns, body))
        k = k if k < len(runs) else None
    return rows


def layout_score(lines: list[str]) -> float:
    """How surely the text is laid out in columns: a header of three names or more set apart by wide
    gaps, and most lines below it with runs at the header's columns."""
    runs = [runs_of(line, k) for k, line in enumerate(lines, start=1)]
    header = _find_header(runs)
    if header is None or not any(_GAP.search(line.strip()) for line in lines[header:header + 1]):
        return 0.0
    body = [line for line in runs[header + 1:] if line]
    if len(body) < 3:
        return 0.0
    columns, _ = _header_columns(runs, header)
    gaps = [line for line in lines[header + 1:] if len(_GAP.findall(line.strip())) >= 1 or line.startswith("    ")]
    indented = sum(1 for line in body if line[0].start >= min(columns.starts[1:] or [0]) - 2)
    share = (len(gaps) / max(1, len(body)) + indented / len(body)) / 2
    return round(0.55 + 0.3 * min(1.0, share), 3) if share >= 0.3 else 0.0
