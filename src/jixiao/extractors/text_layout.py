"""The ``pdftotext -layout`` form: a table whose columns are told by where their text starts.

``pdftotext -layout`` (and any converter that lays a page out in characters) keeps each cell at its
horizontal place: cells are runs of text separated by two blanks or more, a column is where its
header's name stands, a cell the page wrapped goes on over the lines around its row, and a merged
cell (一级指标 over five rows) is printed once, at the middle of the rows it covers. So:

1. positions are character offsets (the converter puts one character, Chinese or not, in each cell
   of its grid);
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
from dataclasses import dataclass, field
from typing import Optional

from ..layout.header_block import FURNITURE, SIGN_OFF
from ..layout.vocabulary import match_header, is_row_label_header

Rows = list[list[tuple[str, int]]]
_GAP = re.compile(r"\s{2,}")
# page furniture a converter leaves between the pages of a table: the page number, the 续表 mark
_PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*\d{1,3}\s*[-—－]?\s*$|^\s*第\s*\d+\s*页|^\s*[(（]?\s*续\s*表\s*[)）]?\s*$")


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
    while bottom < len(lines) and bottom - k <= 3 and _header_fragment(lines[bottom]):
        bottom += 1
    return top, bottom


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


Body = list[tuple[int, dict[int, Run]]]  # (line number, column → run) of each non-blank body line


def _busy(cells: dict[int, Run], width: int) -> bool:
    """A line holding cells in many columns: a row's own line, not a wrapped cell's."""
    return len(cells) >= max(3, (width + 1) // 2)


def _short_columns(body: Body, width: int) -> list[int]:
    """Columns of short cells never on two lines running: where a row's values stand (each once a row)."""
    out = []
    for column in range(width):
        runs = [(line, cells[column]) for line, cells in body if column in cells]
        numbers = [line for line, _ in runs]
        if len(runs) < 2 or any(b - a == 1 for a, b in zip(numbers, numbers[1:])):
            continue
        if sum(1 for _, run in runs if len(run.text) <= 12) >= 0.9 * len(runs):
            out.append(column)
    return out


def _anchor(body: Body, width: int) -> Optional[int]:
    """The column whose cells open rows: of the short columns, the one whose cells stand on the lines
    where the other short columns' cells stand too (a row's values share its line; the pieces of a
    wrapped name do not). The first two columns are left out: they hold the group names a merged cell
    prints once for many rows."""
    short = [c for c in _short_columns(body, width) if c >= min(2, width - 1)]
    best: Optional[tuple[float, int, int]] = None
    for column in short:
        lines = [cells for _, cells in body if column in cells]
        company = sum(sum(1 for c in short if c in cells) for cells in lines) / len(lines)
        key = (round(company, 3), len(lines), column)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def _cores(body: Body, anchor: int, width: int) -> list[int]:
    """The body lines that open rows: those with a cell in the anchor column, and busy lines without one
    (a row that left its value empty) unless a wrapped cell's line of the row next to them."""
    anchored = [k for k, (_, cells) in enumerate(body) if anchor in cells]
    lines = set(anchored)
    for k, (line, cells) in enumerate(body):
        if k in lines or not _busy(cells, width):
            continue
        near = any(abs(body[a][0] - line) <= 1 for a in anchored)
        if not near:
            lines.add(k)
    # a band of its own with no such line but cells in two columns or more: a row the filer left empty
    # (经济效益指标 and nothing else), not the wrapped part of a row
    bands = _bands(body)
    held = {bands[k] for k in lines}
    for band in sorted(set(bands) - held):
        members = [k for k in range(len(body)) if bands[k] == band]
        if len({column for k in members for column in body[k][1]}) >= 2:
            lines.add(members[0])
    return sorted(lines)


def _bands(body: Body) -> list[int]:
    """For each body line, its band: lines between two blank lines (a page that spaces its rows)."""
    out, band = [], 0
    for k, (line, _) in enumerate(body):
        if k and line - body[k - 1][0] > 1:
            band += 1
        out.append(band)
    return out


def _owners(body: Body, cores: list[int]) -> list[int]:
    """For each body line, the row it belongs to: the one row opened in its band, or else the row
    whose opening line is nearest (the one below it on a tie: a wrapped cell starts above its row)."""
    bands = _bands(body)
    core_lines = [body[k][0] for k in cores]
    owner = []
    for k, (line, _) in enumerate(body):
        in_band = [i for i, c in enumerate(cores) if bands[c] == bands[k]]
        if len(in_band) == 1:
            owner.append(in_band[0])
            continue
        owner.append(min(range(len(cores)), key=lambda i: (abs(core_lines[i] - line), core_lines[i] < line)))
    return owner


def _merged_cells(body: Body, column: int) -> list[tuple[float, str]]:
    """The cells of a merged column: (middle line, text), a cell wrapped over lines of one band joined."""
    bands = _bands(body)
    cells: list[tuple[list[int], str, int]] = []
    for k, (line, runs) in enumerate(body):
        if column not in runs:
            continue
        if cells and cells[-1][2] == bands[k] and line - cells[-1][0][-1] <= 2:
            cells[-1] = ([*cells[-1][0], line], cells[-1][1] + runs[column].text, bands[k])
        else:
            cells.append(([line], runs[column].text, bands[k]))
    return [(sum(lines) / len(lines), text) for lines, text, _ in cells]


def _extents(body: Body, owner: list[int], rows: int, merged: set[int]) -> list[tuple[int, int]]:
    """Each row's first and last line, from the lines holding its own (not merged) cells."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for k, (line, cells) in enumerate(body):
        if any(column not in merged for column in cells):
            first.setdefault(owner[k], line)
            last[owner[k]] = line
    return [(first.get(r, 0), last.get(r, 0)) for r in range(rows)]


def _home(extents: list[tuple[int, int]], middle: float) -> int:
    """The row a line lies in (or is nearest to)."""
    return min(range(len(extents)), key=lambda r: (0 if extents[r][0] <= middle <= extents[r][1] else 1,
                                                   abs((extents[r][0] + extents[r][1]) / 2 - middle)))


def _merged_spans(body: Body, extents: list[tuple[int, int]], column: int) -> dict[int, str]:
    """Row → text for a column of merged cells. A merged cell stands at the middle of the rows it covers:
    from the first row no cell above took, down to the row that puts the middle of those rows nearest
    the cell's middle, and never into the row the next cell stands in (a cell set at its group's top
    covers that row only: the reader carries it down)."""
    cells = _merged_cells(body, column)
    homes = [_home(extents, middle) for middle, _ in cells]
    out: dict[int, str] = {}
    first_free = 0
    for i, (middle, text) in enumerate(cells):
        top = min(first_free, homes[i])
        limit = homes[i + 1] - 1 if i + 1 < len(cells) and homes[i + 1] > homes[i] else len(extents) - 1
        candidates = range(homes[i], max(homes[i], limit) + 1)
        bottom = min(candidates, key=lambda b: abs((extents[top][0] + extents[b][1]) / 2 - middle))
        for row in range(top, bottom + 1):
            out.setdefault(row, text)
        first_free = max(first_free, bottom + 1)
    return out


def _table_rows(columns: Columns, body: Body) -> Rows:
    """The table's rows: every column of every row, merged cells spread over their rows, wrapped cells joined."""
    width = len(columns.names)
    anchor = _anchor(body, width)
    if anchor is None:
        return [[(cells[k].text if k in cells else "", line) for k in range(width)] for line, cells in body]
    cores = _cores(body, anchor, width)
    owner = _owners(body, cores)
    texts: list[list[str]] = [[""] * width for _ in cores]
    for k, (_, cells) in enumerate(body):
        for column, run in cells.items():
            texts[owner[k]][column] += run.text
    # the first columns, when they leave many rows empty, hold merged cells (一级, 二级): the run of such
    # columns from the left edge, before the anchor
    merged: set[int] = set()
    for column in range(anchor):
        if sum(1 for row in texts if row[column]) >= 0.8 * len(cores):
            break
        merged.add(column)
    extents = _extents(body, owner, len(cores), merged)
    for column in merged:
        spans = _merged_spans(body, extents, column)
        for row in range(len(cores)):
            texts[row][column] = spans.get(row, "")
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
