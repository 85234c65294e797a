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
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from ..layout.header_block import FURNITURE, SIGN_OFF
from ..layout.values import level1_name, level2_name
from ..layout.vocabulary import match_header, is_row_label_header

Rows = list[list[tuple[str, int]]]
_GAP = re.compile(r"\s{2,}")
_FIGURE = re.compile(r"\d")
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
        # a cell on the line right under another is a wrapped cell's, unless both are figures (the
        # scores of rows that take one line each)
        if len(runs) < 2 or any(b - a == 1 and not (_FIGURE.search(runs[i][1].text) and _FIGURE.search(runs[i + 1][1].text))
                                for i, (a, b) in enumerate(zip(numbers, numbers[1:]))):
            continue
        if sum(1 for _, run in runs if len(run.text) <= 12) >= 0.9 * len(runs):
            out.append(column)
    return out


def _anchor(body: Body, width: int) -> Optional[int]:
    """The column whose cells open rows: of the short columns, the one whose cells stand on the lines
    where the other short columns' cells stand too (a row's values share its line; the pieces of a
    wrapped name do not). The first two columns are left out: they hold the group names a merged cell
    prints once for many rows. A column of figures (a score, a value) goes before one of words (a
    unit that some rows leave empty, the short pieces of a wrapped name)."""
    short = [c for c in _short_columns(body, width) if c >= min(2, width - 1)]
    best: Optional[tuple[bool, float, int, int]] = None
    for column in short:
        lines = [cells for _, cells in body if column in cells]
        company = sum(sum(1 for c in short if c in cells) for cells in lines) / len(lines)
        figures = sum(1 for cells in lines if _FIGURE.search(cells[column].text)) >= 0.8 * len(lines)
        key = (figures, round(company, 3), len(lines), column)
        if best is None or key > best:
            best = key
    return best[-1] if best else None


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
    lines.update(_empty_rows(body, anchor, set()))
    # a band of its own with no such line but cells in two columns or more: a row the filer left empty
    # (经济效益指标 and nothing else), not the wrapped part of a row
    bands = _bands(body)
    held = {bands[k] for k in lines}
    for band in sorted(set(bands) - held):
        members = [k for k in range(len(body)) if bands[k] == band]
        if len({column for k in members for column in body[k][1]}) >= 2:
            lines.add(members[0])
    return sorted(lines)


def _empty_rows(body: Body, anchor: int, merged: set[int]) -> list[int]:
    """Lines that open a row the filer left empty where no blank line sets rows apart: cells in the
    first two columns, the group names, and nothing else (经济效益指标, under its 一级), more than two
    lines from any line of the anchor column (a wrapped cell's first line stands at most two lines
    above its row's). A group name alone opens such a row too when its column holds no merged cells
    (else it is a merged cell between rows, _with_empty_rows). Lines right under such a line are its
    own (wrapped names), not new rows."""
    anchored = [line for line, cells in body if anchor in cells]
    out: list[int] = []
    for k, (line, cells) in enumerate(body):
        alone = len(cells) == 1 and not set(cells) & merged and bool(merged)
        if max(cells) >= min(2, anchor) or (len(cells) < 2 and not alone) \
                or any(abs(a - line) <= 2 for a in anchored):
            continue
        if not out or line - body[out[-1]][0] > 1:
            out.append(k)
    return out


def _bands(body: Body) -> list[int]:
    """For each body line, its band: lines between two blank lines (a page that spaces its rows)."""
    out, band = [], 0
    for k, (line, _) in enumerate(body):
        if k and line - body[k - 1][0] > 1:
            band += 1
        out.append(band)
    return out


Owners = list[dict[int, int]]  # for each body line, column → the row its run there belongs to


def _owners(body: Body, cores: list[int], width: int) -> Owners:
    """For each body line and column, the row its run belongs to. A band of lines between blank lines
    that opens one row is that row's; elsewhere each column is cut into rows on its own (_column_cuts):
    pdftotext puts on one line the last line of a cell and the first of the next row's cell in another
    column when their heights agree, so one line may hold pieces of two rows."""
    bands = _bands(body)
    centres = [_centre(body, k) for k in cores]
    cuts = {column: _column_cuts([line for line, cells in body if column in cells], centres)
            for column in range(width)}
    owner: Owners = []
    for k, (line, cells) in enumerate(body):
        in_band = [i for i, c in enumerate(cores) if bands[c] == bands[k]]
        owner.append({column: in_band[0] if len(in_band) == 1 else
                      next((row for row, cut in enumerate(cuts[column]) if line < cut), len(cores) - 1)
                      for column in cells})
    return owner


def _centre(body: Body, k: int) -> float:
    """The middle line of the row opened at body line ``k``: that line, unless it holds group names
    alone (an empty template row, _empty_rows), whose wrapped names go on over the lines right under
    it ('成本指' / '标'): then the middle of those lines."""
    last = k
    while last + 1 < len(body) and body[last + 1][0] == body[last][0] + 1 and max(body[last + 1][1]) < 2 \
            and max(body[k][1]) < 2:
        last += 1
    return (body[k][0] + body[last][0]) / 2


def _cell_cost(lines: list[int], centre: float) -> float:
    """How far a cell's lines stand from being centred on its row's opening line. pdftotext sets a
    wrapped cell's lines around the middle of its row, as many above as below (an even count leaves
    that middle line to the row's one-line cells; the lines of two wrapped cells of one row may
    interleave), so its first and last lines are as far from the opening line."""
    if not lines:
        return 0.0
    return abs((lines[0] + lines[-1]) / 2 - centre)


def _column_cuts(lines: list[int], centres: list[float]) -> list[float]:
    """Where one column's lines part into rows: between two rows' opening lines one cut (a ruling line
    pdftotext does not print), the cuts taken being those that set the column's cell in every row best
    centred on its opening line (_cell_cost). Returns each row's end (its next row's first line)."""
    def cost(row: int, low: float, high: float) -> float:
        return _cell_cost([x for x in lines if low <= x < high], centres[row])

    best: dict[float, tuple[float, list[float]]] = {float("-inf"): (0.0, [])}
    for row, centre in enumerate(centres):
        after = range(int(centre) + 1, int(centres[row + 1]) + 1) if row + 1 < len(centres) else [float("inf")]
        best = {cut: min((total + cost(row, low, cut), [*cuts, cut]) for low, (total, cuts) in best.items())
                for cut in after}
    return min(best.values())[1] if best else []


def _display_width(text: str) -> float:
    """The width a text takes on the page, in wide characters: a digit or a Latin letter takes half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _merged_cells(body: Body, column: int) -> list[tuple[list[int], str]]:
    """The cells of a merged column: (lines, text). A cell wrapped over lines of one band is
    joined: a run goes on over the next line or the one after when it fills its column (the widest of
    the column's runs, less a character), as a wrapped cell's first lines do; a run narrower than the
    column ends its cell ('质量指标' and, two lines down, '时效指标' are two cells)."""
    bands = _bands(body)
    full = max((_display_width(cells[column].text) for _, cells in body if column in cells), default=0.0) - 1
    cells: list[tuple[list[int], str, int]] = []
    for k, (line, runs) in enumerate(body):
        if column not in runs:
            continue
        text = runs[column].text
        if cells and cells[-1][2] == bands[k] and line - cells[-1][0][-1] <= 2 and _goes_on(cells[-1][1], text, full):
            cells[-1] = ([*cells[-1][0], line], cells[-1][1] + text, bands[k])
        else:
            cells.append(([line], text, bands[k]))
    return [(lines, text) for lines, text, _ in cells]


def _goes_on(text: str, following: str, full: float) -> bool:
    """A merged cell's text so far goes on with the run below it: it reaches the width at which its
    column wraps (its last line does), and it is not a group name in full that the run below would
    spoil ('生态效益指标' over '可持续影响指': an empty template row's name over the next group's)."""
    if _display_width(text) < full:
        return False
    return not (_group_name(text) and not _group_name(text + following))


def _group_name(text: str) -> bool:
    """The text names a 一级 or 二级 group of the vocabulary in full (产出指标(40分), 社会效益指标)."""
    return level1_name(text, bare_stem=False) is not None or level2_name(text, bare_stem=False) is not None


@dataclass
class Stripe:
    """A row of the table as its merged columns see it: its first and last line, and how many lines of
    text its tallest cell holds (a line of pdftotext's output may be half a text line: the lines of
    cells of different heights interleave). An empty template row (a group name alone) is a stripe
    that gives no row."""

    low: int
    high: int
    height: int
    empty: bool = False


def _stripes(body: Body, owner: Owners, rows: int, merged: set[int]) -> list[Stripe]:
    """Each row's stripe, from the lines holding its own (not merged) cells."""
    lines: dict[int, list[int]] = {}
    counts: dict[tuple[int, int], int] = {}
    for k, (line, cells) in enumerate(body):
        for column in cells:
            if column not in merged:
                row = owner[k][column]
                lines.setdefault(row, []).append(line)
                counts[row, column] = counts.get((row, column), 0) + 1
    heights = {row: count for (row, _), count in sorted(counts.items(), key=lambda item: item[1])}
    return [Stripe(min(lines.get(r, [0])), max(lines.get(r, [0])), heights.get(r, 1)) for r in range(rows)]


def _spare(lines: list[int], stripes: list[Stripe]) -> bool:
    """A merged cell stands in no stripe's lines (between two rows, or after the last)."""
    return not any(s.low <= lines[-1] and lines[0] <= s.high for s in stripes)


def _with_empty_rows(stripes: list[Stripe], cells: list[tuple[list[int], str]], covered: set[int]) -> list[Stripe]:
    """The stripes with one more for each cell of the innermost merged column that covers none: an
    empty template row (经济效益指标 with no 三级 and no value), which pdftotext prints on lines of its
    own between the rows around it."""
    spare = [Stripe(lines[0], lines[-1], len(lines), empty=True) for k, (lines, _) in enumerate(cells) if k not in covered]
    return sorted([*stripes, *spare], key=lambda s: (s.low, s.high))


def _heights(stripes: list[Stripe]):
    """Line → height on the page, in text lines from the table's top: each stripe is as high as its
    tallest cell, and a line between two stripes' middles lies in proportion between them."""
    tops = [0.0]
    for stripe in stripes:
        tops.append(tops[-1] + stripe.height)
    known = [((s.low + s.high) / 2, (tops[i] + tops[i + 1]) / 2) for i, s in enumerate(stripes)]

    def height(line: float) -> float:
        if line <= known[0][0]:
            return known[0][1] - (known[0][0] - line)
        for (a, ya), (b, yb) in zip(known, known[1:]):
            if line <= b:
                return ya + (yb - ya) * (line - a) / (b - a) if b > a else ya
        return known[-1][1] + (line - known[-1][0])
    return height, tops


def _merged_spans(cells: list[tuple[list[int], str]], stripes: list[Stripe]) -> dict[int, int]:
    """Stripe → the cell covering it, for a column of merged cells. A merged cell stands at the middle
    of the rows it covers, in height on the page: the cells part the stripes among them in order, from
    the first down, each covering the stripes whose middle lies nearest its own (_part_rows). A cell
    that stands in no stripe's lines may cover none."""
    height, tops = _heights(stripes)
    places = [Place((height(lines[0]) + height(lines[-1])) / 2, _spare(lines, stripes),
                    {k for k, s in enumerate(stripes) if s.low <= lines[-1] and lines[0] <= s.high})
              for lines, _ in cells]
    return {row: index for index, top, bottom in _part_rows(places, tops) for row in range(top, bottom + 1)}


@dataclass
class Place:
    """Where a merged cell stands: the middle of its lines in height on the page, whether it stands in
    no stripe's lines, and the stripes whose lines it shares."""

    middle: float
    spare: bool
    within: set[int]

    def cost(self, tops: list[float], first: int, last: int) -> float:
        """How ill the cell sits over stripes [first, last]: its distance from their middle; and a cell
        over one row stands in that row's lines (a cell between two rows covers both)."""
        alone = first == last and first not in self.within
        return abs((tops[first] + tops[last + 1]) / 2 - self.middle) + (_SPARE_COST if alone else 0.0)


_SPARE_COST = 1.5  # in text lines: a cell between rows left out, rather than set that far off its rows' middle


def _part_rows(places: list[Place], tops: list[float]) -> list[tuple[int, int, int]]:
    """(cell, first stripe, last stripe) for the cells of a merged column, in order: the stripes from
    the first (stripe k from ``tops[k]`` to ``tops[k + 1]``) are parted into runs, one for each cell
    that is not left out (only a spare cell may be), such that the cells sit best over their runs
    (Place.cost), all told. Stripes after the last cell's run are left to the reader (a cell set at
    its group's top covers its row only: the reader carries it down)."""
    rows = len(tops) - 1
    # first stripe not yet covered → (cost so far, runs so far)
    best: dict[int, tuple[float, list[tuple[int, int, int]]]] = {0: (0.0, [])}
    for index, place in enumerate(places):
        following: dict[int, tuple[float, list[tuple[int, int, int]]]] = {}
        for first, (cost, runs) in best.items():
            options = [(cost + _SPARE_COST, first, runs)] if place.spare or first >= rows else []
            options += [(cost + place.cost(tops, first, last), last + 1, [*runs, (index, first, last)])
                        for last in range(first, rows)]
            for total, free, chosen in options:
                if free not in following or total < following[free][0]:
                    following[free] = (total, chosen)
        best = following
    return min(best.values(), key=lambda item: item[0])[1] if best else []


def _texts(body: Body, owner: Owners, rows: int, width: int) -> list[list[str]]:
    """Each row's text in each column: the runs it owns there, top to bottom."""
    texts: list[list[str]] = [[""] * width for _ in range(rows)]
    for k, (_, cells) in enumerate(body):
        for column, run in cells.items():
            texts[owner[k][column]][column] += run.text
    return texts


def _merged_columns(texts: list[list[str]], anchor: int) -> set[int]:
    """The first columns, when they leave many rows empty, hold merged cells (一级, 二级): the run of
    such columns from the left edge, before the anchor."""
    merged: set[int] = set()
    for column in range(anchor):
        if sum(1 for row in texts if row[column]) >= 0.8 * len(texts):
            break
        merged.add(column)
    return merged


def _table_rows(columns: Columns, body: Body) -> Rows:
    """The table's rows: every column of every row, merged cells spread over their rows, wrapped cells joined."""
    width = len(columns.names)
    anchor = _anchor(body, width)
    if anchor is None:
        return [[(cells[k].text if k in cells else "", line) for k in range(width)] for line, cells in body]
    cores = _cores(body, anchor, width)
    owner = _owners(body, cores, width)
    texts = _texts(body, owner, len(cores), width)
    merged = _merged_columns(texts, anchor)
    more = sorted(set(cores) | set(_empty_rows(body, anchor, merged)))
    if more != cores:  # group names alone beside a merged column: rows the filer left empty
        cores = more
        owner = _owners(body, cores, width)
        texts = _texts(body, owner, len(cores), width)
    stripes = _stripes(body, owner, len(cores), merged)
    rows = list(range(len(cores)))
    # the innermost merged column (二级) first: its cells that cover no row are empty template rows,
    # which the columns outside it (一级) cover too
    for column in sorted(merged, reverse=True):
        cells = _merged_cells(body, column)
        spans = _merged_spans(cells, stripes)
        for row, stripe in enumerate(rows):
            texts[row][column] = cells[spans[stripe]][1] if stripe in spans else ""
        if column == max(merged):
            stripes = _with_empty_rows(stripes, cells, set(spans.values()))
            rows = [k for k, stripe in enumerate(stripes) if not stripe.empty]
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
