"""The ``pdftotext -layout`` form: a table whose columns are told by where their text starts.

``pdftotext -layout`` (and any converter that lays a page out in characters) keeps each cell at its
horizontal place: cells are runs of text separated by two blanks or more, a column is where its
header's name stands, a cell the page wrapped goes on over the lines around its row, and a merged
cell (一级指标 over five rows) is printed once, at the middle of the rows it covers. So:

1. positions are character offsets (the converter puts one character, Chinese or not, in each cell
   of its grid);
2. the header is the line (or the lines) whose runs are column names; each column reaches from
   halfway after the column before it to halfway before the next;
3. every word of the body goes whole to the column holding most of it;
4. the rows are told by an *anchor* column of figures filled in every row (a score, a value), and
   each column is cut into rows on its own, where every row's cell stands best centred on its
   row's line (extractors/text_layout_rows.py);
5. a column filled far less often than there are rows holds merged cells: each covers the rows
   around its middle on the page, and is repeated on each of them; a group name no row needs is an
   empty template row's (extractors/text_layout_merged.py).

The grid comes out positional: every row holds every column, an empty cell as ''. Nothing here
knows what a column means; the names only say where the columns are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..layout.header_block import FURNITURE, SIGN_OFF
from ..layout.vocabulary import match_header, is_row_label_header
from . import text_layout_merged as merged_rows
from . import text_layout_rows as body_rows
from .text_layout_rows import Body, Rows, Run

_GAP = re.compile(r"\s{2,}")
# page furniture a converter leaves between the pages of a table: the page number, the 续表 mark
_PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*\d{1,3}\s*[-—－]?\s*$|^\s*第\s*\d+\s*页|^\s*[(（]?\s*续\s*表\s*[)）]?\s*$")


def _width(text: str) -> int:
    # pdftotext sets one character per cell of its grid, wide or not: offsets are counted in characters
    return len(text)


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
    """The columns of a table: each column's [start, end) in characters, and its header name."""

    starts: list[int]
    ends: list[int]
    names: list[str]
    header_lines: list[int] = field(default_factory=list)

    def index(self, start: int, end: int) -> int:
        """The column the text at [start, end) lies in: the one holding most of it; text standing in a
        gutter, in none, belongs to the column whose start is nearest its own (pdftotext now and then
        sets a row's cells a few characters off their columns, and a cell's text starts at its column's
        start)."""
        overlaps = [min(end, right) - max(start, left) for left, right in zip(self.starts, self.ends)]
        best = max(range(len(overlaps)), key=lambda k: (overlaps[k], -k))
        if overlaps[best] > 0:
            return best
        return min(range(len(self.starts)), key=lambda k: (abs(self.starts[k] - start), k))


def _find_header(lines: list[list[Run]], start: int = 0) -> Optional[int]:
    """The first line from ``start`` whose runs include three column names or more."""
    for k in range(start, len(lines)):
        if len(lines[k]) >= 3 and _header_names(lines[k]) >= 3:
            return k
    return None


def _header_fragment(runs: list[Run]) -> bool:
    """A line that may hold the wrapped part of header names: short runs and no figures."""
    return bool(runs) and all(len(r.text) <= 8 and not re.search(r"\d", r.text) for r in runs)


def _ends_paragraph(lines: list[list[Run]], k: int) -> bool:
    """Line ``k`` is the last line of the paragraph above it ('故发生。' under the goals' text): one run,
    starting where a longer run of the line above starts. A header name's wrapped part does not line
    up with a paragraph over it."""
    if len(lines[k]) != 1 or k == 0:
        return False
    return any(run.start == lines[k][0].start and not _header_fragment([run]) for run in lines[k - 1])


def _band(lines: list[list[Run]], k: int) -> tuple[int, int]:
    """The header's lines: the header line and the lines right above and below it that hold the rest
    of names wrapped in narrow columns ('一级指' / '标', '指标值类' / '型'). Returns [first, last + 1)."""
    top = k
    while top - 1 >= 0 and k - (top - 1) <= 3 and _header_fragment(lines[top - 1]) \
            and not _ends_paragraph(lines, top - 1):
        top -= 1
    bottom = k + 1
    while bottom < len(lines) and bottom - k <= 3 and _header_fragment(lines[bottom]) \
            and not _spoils(lines[k], lines[bottom]):
        bottom += 1
    return top, bottom


def _known_name(text: str) -> bool:
    match = match_header(text)
    return (match is not None and match.exact) or is_row_label_header(text)


def _spoils(header: list[Run], runs: list[Run]) -> bool:
    """A line under the header that would spoil a column's name: one of its runs stands under a name in
    full ('一级指标') and the two together name nothing ('一级指标满意度指'): the first row's group names,
    wrapped, not the rest of the header's ('年度指标' over '值')."""
    for run in runs:
        for name in header:
            if min(run.end, name.end) > max(run.start, name.start) and _known_name(name.text) \
                    and not _known_name(name.text + run.text):
                return True
    return False


def _gutters(texts: list[str]) -> list[tuple[int, int]]:
    """The column intervals of a block of lines: the spans between the character offsets no line (or
    hardly any) prints on."""
    width = max((len(t) for t in texts), default=0)
    occupied = [0] * (width + 1)
    for text in texts:
        for x, ch in enumerate(text):
            if not ch.isspace():
                occupied[x] += 1
    allowed = max(0, len(texts) // 50)  # a line crossing a gutter here and there (a note) is allowed
    intervals: list[tuple[int, int]] = []
    start = None
    for x in range(width + 1):
        filled = occupied[x] > allowed if x < width else False
        if filled and start is None:
            # a single blank is a word gap inside a cell ('产出指标 (40-50)分'), not a column's edge
            if intervals and x - intervals[-1][1] < 2:
                start = intervals.pop()[0]
            else:
                start = x
        elif not filled and start is not None:
            intervals.append((start, x))
            start = None
    return intervals


def _header_cells(band: list[str]) -> list[tuple[int, int]]:
    """The header's cells: the words of its lines (split at any blank), those standing over one another
    joined ('一级指' over '标'), as [start, end) spans, left to right."""
    spans = sorted((m.start(), m.end()) for line in band for m in re.finditer(r"\S+", line))
    cells: list[list[int]] = []
    for start, end in spans:
        if cells and start < cells[-1][1]:
            cells[-1][1] = max(cells[-1][1], end)
        else:
            cells.append([start, end])
    return [(a, b) for a, b in cells]


def _split_at_header(intervals: list[tuple[int, int]], band: list[str], region: list[str]) -> list[tuple[int, int]]:
    """An interval holding two header cells (a cell somewhere ran up to the next column, so no gutter
    shows between them) is cut where the fewest lines print, between the two."""
    cells = _header_cells(band)

    def printed(x: int) -> int:
        return sum(1 for t in region if x < len(t) and not t[x].isspace())

    out = []
    for start, end in intervals:
        inside = [c for c in cells if start <= c[0] and c[1] <= end]
        for left, right in zip(inside, inside[1:]):
            cut = min(range(left[1], right[0] + 1), key=printed)
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def _slice(text: str, start: int, end: int) -> str:
    return text[start:end].strip()


def _columns(lines: list[str], runs: list[list[Run]], top: int, bottom: int, end: int) -> Columns:
    """The columns of the table whose header takes lines [top, bottom) and whose body ends at ``end``:
    intervals from the gutters of those lines, names from the header lines joined top to bottom."""
    region = [lines[k].replace("\t", "  ") for k in range(top, end) if runs[k] and not _furniture(runs[k])]
    band = [lines[k].replace("\t", "  ") for k in range(top, bottom)]
    intervals = _split_at_header(_gutters(region), band, region)
    names = ["".join(_slice(lines[k].replace("\t", "  "), a, b) for k in range(top, bottom)) for a, b in intervals]
    keep = [i for i, (a, b) in enumerate(intervals)
            if names[i] or any(_slice(line, a, b) for line in region)]
    return Columns([intervals[i][0] for i in keep], [intervals[i][1] for i in keep], [names[i] for i in keep],
                   [runs[k][0].line for k in range(top, bottom) if runs[k]])


def _is_header_again(columns: Columns, runs: list[Run]) -> bool:
    return len(runs) >= 3 and _header_names(runs) >= max(3, len(columns.names) // 2)


def _table_rows(columns: Columns, body: Body) -> Rows:
    """The table's rows: every column of every row, merged cells spread over their rows, wrapped cells joined."""
    width = len(columns.names)
    anchor = body_rows.anchor(body, width)
    if anchor is None:
        return [[(cells[k].text if k in cells else "", line) for k in range(width)] for line, cells in body]
    cores = body_rows.cores(body, anchor, width)
    owner = body_rows.owners(body, cores, width)
    texts = body_rows.texts(body, owner, len(cores), width)
    merged = body_rows.merged_columns(texts, anchor)
    more = sorted(set(cores) | set(body_rows.empty_rows(body, anchor, merged)))
    if more != cores:  # group names alone in a column of no merged cells: rows the filer left empty
        cores = more
        owner = body_rows.owners(body, cores, width)
        texts = body_rows.texts(body, owner, len(cores), width)
        merged = body_rows.merged_columns(texts, anchor)
    merged_rows.spread(body, owner, [body[k][0] for k in cores], texts, merged)
    return [[(text, body[cores[r]][0]) for text in row] for r, row in enumerate(texts)]


def _body_cells(columns: Columns, line: str, number: int) -> dict[int, Run]:
    """A body line cut at the table's columns: column → its text there, from where it starts to where
    it ends. Words are never cut: each goes whole to the column holding most of it (a name that runs a
    character past its column's edge, '65岁以上老年人健康管理人数', stays whole), and the words of one
    column that stand together keep the blanks between them."""
    line = line.replace("\t", "  ")
    pieces: list[tuple[int, int, int]] = []  # (column, start, end) of each stretch of one column's words
    for word in re.finditer(r"\S+", line):
        column = columns.index(word.start(), word.end())
        if pieces and pieces[-1][0] == column:
            pieces[-1] = (column, pieces[-1][1], word.end())
        else:
            pieces.append((column, word.start(), word.end()))
    cells: dict[int, Run] = {}
    for column, start, end in pieces:
        if column in cells:  # a column's words parted by another's (rare): joined with a blank
            first = cells[column]
            cells[column] = Run(first.start, end, first.text + " " + line[start:end], number)
        else:
            cells[column] = Run(start, end, line[start:end], number)
    return cells


def _furniture(runs: list[Run]) -> bool:
    return len(runs) == 1 and _ends_body(runs[0].text)


def _ends_body(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def _segments(runs: list[list[Run]], header: int) -> list[tuple[int, int, int]]:
    """(first header line, first body line, end) of each table: a header repeated on a new page opens
    a table of its own, with its own columns."""
    out = []
    k: Optional[int] = header
    while k is not None:
        top, bottom = _band(runs, k)
        following = _find_header(runs, bottom)
        end = _band(runs, following)[0] if following is not None else len(runs)
        out.append((top, bottom, _region_end(runs, bottom, end)))
        k = following
    return out


def _region_end(runs: list[list[Run]], start: int, end: int) -> int:
    """Where the table's lines stop: a sign-off or a note (填表人, 注:), or a paragraph running from the
    left margin over most of the width. What follows is the page's, read as lines."""
    widest = max((r.end for line in runs[start:end] for r in line), default=0)
    for k in range(start, end):
        line = runs[k]
        if not line:
            continue
        text = " ".join(r.text for r in line)
        if FURNITURE.match(text) or SIGN_OFF.search(text):
            return k
        if len(line) == 1 and line[0].start <= 2 and line[0].end - line[0].start >= 0.6 * widest > 0:
            return k
    return end


def layout_rows(lines: list[str]) -> Rows:
    """The rows of a ``pdftotext -layout`` page: the lines above the header as rows of their runs, then
    for each table its header and rows (see the module docstring), then the lines after it."""
    runs = [runs_of(line, k) for k, line in enumerate(lines, start=1)]
    header = _find_header(runs)
    if header is None:
        return [[(r.text, r.line) for r in line] for line in runs if line]
    segments = _segments(runs, header)
    rows: Rows = [[(r.text, r.line) for r in line] for line in runs[:segments[0][0]] if line]
    for number, (top, bottom, end) in enumerate(segments):
        columns = _columns(lines, runs, top, bottom, end)
        rows.append([(name, columns.header_lines[0]) for name in columns.names])
        body: Body = [(runs[k][0].line, _body_cells(columns, lines[k], runs[k][0].line))
                      for k in range(bottom, end) if runs[k] and not _furniture(runs[k])]
        rows.extend(_table_rows(columns, [item for item in body if item[1]]))
        after = segments[number + 1][0] if number + 1 < len(segments) else len(runs)
        rows.extend([(r.text, r.line) for r in line] for line in runs[end:after]
                    if line and not _furniture(line))
    return rows


def layout_score(lines: list[str]) -> float:
    """How surely the text is laid out in columns: a header of three names or more set apart by gaps,
    and the lines below it cut by the same gutters."""
    runs = [runs_of(line, k) for k, line in enumerate(lines, start=1)]
    header = _find_header(runs)
    if header is None or not _GAP.search(lines[header].strip()):
        return 0.0
    top, bottom, end = _segments(runs, header)[0]
    body = [k for k in range(bottom, end) if runs[k] and not _furniture(runs[k])]
    if len(body) < 3:
        return 0.0
    columns = _columns(lines, runs, top, bottom, end)
    cut = sum(1 for k in body if len(_body_cells(columns, lines[k], k)) >= 2 or runs[k][0].start > 0)
    share = cut / len(body)
    return round(0.55 + 0.3 * share, 3) if len(columns.names) >= 3 and share >= 0.5 else 0.0
