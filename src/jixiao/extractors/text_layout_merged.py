"""Merged cells in a ``pdftotext -layout`` table: a group name (一级, 二级) printed once for the rows
it covers, at their middle, and wrapped ('可持续影响指' / '标') over the lines around it.

The cells of a merged column part the rows among them in order, each covering the rows whose middle
on the page lies nearest its own. The innermost merged column (二级) goes first: a name of it that no
row needs (it stands between rows that have their own) is an empty template row's (经济效益指标 with
no 三级 and no value), a row of its own that the columns outside it (一级) cover too and that gives no
row of the table.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable

from ..layout.values import level1_name, level2_name
from ..layout.vocabulary_file import current
from .text_layout_rows import Body, Owners, blank_bands


def _display_width(text: str) -> float:
    """The width a text takes on the page, in wide characters: a digit or a Latin letter takes half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def merged_cells(body: Body, column: int) -> list[tuple[list[int], str]]:
    """The cells of a merged column: (lines, text). A cell wrapped over lines of one band is
    joined: a run goes on over the next line or the one after when it fills its column (the widest of
    the column's runs, less a character), as a wrapped cell's first lines do; a run narrower than the
    column ends its cell ('质量指标' and, two lines down, '时效指标' are two cells)."""
    bands = blank_bands(body)
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
    group: str = ""  # the name of the innermost merged column's cell over it (its 二级)


def stripes(body: Body, owner: Owners, opening: list[int], merged: set[int]) -> list[Stripe]:
    """Each row's stripe, from the lines holding its own (not merged) cells; a row with none (an empty
    template row set apart by blank lines) from the lines of its group names, or its opening line."""
    rows = len(opening)
    lines: dict[int, list[int]] = {}
    anywhere: dict[int, list[int]] = {}
    counts: dict[tuple[int, int], int] = {}
    for k, (line, cells) in enumerate(body):
        for column in cells:
            row = owner[k][column]
            anywhere.setdefault(row, []).append(line)
            if column not in merged:
                lines.setdefault(row, []).append(line)
                counts[row, column] = counts.get((row, column), 0) + 1
    heights = {row: count for (row, _), count in sorted(counts.items(), key=lambda item: item[1])}
    own = [lines.get(r) or anywhere.get(r) or [opening[r]] for r in range(rows)]
    return [Stripe(min(own[r]), max(own[r]), heights.get(r, 1)) for r in range(rows)]


def _spare(lines: list[int], stripes: list[Stripe]) -> bool:
    """A merged cell stands in no stripe's lines (between two rows, or after the last)."""
    return not any(s.low <= lines[-1] and lines[0] <= s.high for s in stripes)


def with_empty_rows(stripes: list[Stripe], cells: list[tuple[list[int], str]], covered: set[int]) -> list[Stripe]:
    """The stripes with one more for each cell of the innermost merged column that covers none: an
    empty template row (经济效益指标 with no 三级 and no value), which pdftotext prints on lines of its
    own between the rows around it."""
    spare = [Stripe(lines[0], lines[-1], len(lines), empty=True, group=text)
             for k, (lines, text) in enumerate(cells) if k not in covered]
    return sorted([*stripes, *spare], key=lambda s: (s.low, s.high))


def _heights(stripes: list[Stripe], printed: set[int]) -> tuple[Callable[[float], float], list[float]]:
    """Line → height on the page, in text lines from the table's top, and each stripe's top: a stripe
    is as high as its tallest cell and the blank lines under it (a page that spaces its rows; the
    lines of a row's cells of different heights interleave, so its lines count for less), and a line
    between two stripes' middles lies in proportion between them."""
    tops = [0.0]
    for k, stripe in enumerate(stripes):
        following = stripes[k + 1].low if k + 1 < len(stripes) else stripe.high + 1
        blank = sum(1 for line in range(stripe.high + 1, following) if line not in printed)
        tops.append(tops[-1] + stripe.height + blank)
    known = [((s.low + s.high) / 2, (tops[i] + tops[i + 1]) / 2) for i, s in enumerate(stripes)]

    def height(line: float) -> float:
        if line <= known[0][0]:
            return known[0][1] - (known[0][0] - line)
        for (a, ya), (b, yb) in zip(known, known[1:]):
            if line <= b:
                return ya + (yb - ya) * (line - a) / (b - a) if b > a else ya
        return known[-1][1] + (line - known[-1][0])
    return height, tops


def merged_spans(cells: list[tuple[list[int], str]], stripes: list[Stripe],
                 printed: set[int]) -> dict[int, int]:
    """Stripe → the cell covering it, for a column of merged cells. A merged cell stands at the middle
    of the rows it covers, in height on the page: the cells part the stripes among them in order, from
    the first down, each covering the stripes whose middle lies nearest its own (_part_rows). A cell
    that stands in no stripe's lines may cover none."""
    height, tops = _heights(stripes, printed)
    parents = [_parents(stripe.group) for stripe in stripes]
    places = [Place((height(lines[0]) + height(lines[-1])) / 2, _spare(lines, stripes),
                    {k for k, s in enumerate(stripes) if s.low <= lines[-1] and lines[0] <= s.high},
                    _foreign(text, parents))
              for lines, text in cells]
    return {row: index for index, top, bottom in _part_rows(places, tops) for row in range(top, bottom + 1)}


def _parents(group: str) -> set[str]:
    """The 一级 groups the vocabulary puts a 二级 group under (none for a name it does not know)."""
    inner = level2_name(group, bare_stem=False) if group else None
    return {top for top, groups in current().taxonomy.items() if inner in groups} if inner else set()


def _foreign(text: str, parents: list[set[str]]) -> list[int]:
    """For a 一级 cell, how many of the stripes up to each (a running count) hold a 二级 group that the
    vocabulary puts under another 一级 (经济效益指标 under 效益指标, not under 产出指标), given each
    stripe's ``parents``: where the page cannot tell which rows a group name covers, its groups can."""
    outer = level1_name(text, bare_stem=False)
    counts = [0]
    for groups in parents:
        counts.append(counts[-1] + (1 if outer and groups and outer not in groups else 0))
    return counts


@dataclass
class Place:
    """Where a merged cell stands: the middle of its lines in height on the page, whether it stands in
    no stripe's lines, and the stripes whose lines it shares."""

    middle: float
    spare: bool
    within: set[int]
    foreign: list[int]  # stripes [0, k) holding another 一级's 二级 (_foreign)

    def cost(self, tops: list[float], first: int, last: int) -> float:
        """How ill the cell sits over stripes [first, last]: its distance from their middle; a cell
        over one row stands in that row's lines (a cell between two rows covers both); and it covers
        no 二级 group of another 一级."""
        alone = first == last and first not in self.within
        foreign = self.foreign[last + 1] - self.foreign[first]
        return abs((tops[first] + tops[last + 1]) / 2 - self.middle) + _SPARE_COST * alone + _FOREIGN_COST * foreign


_SPARE_COST = 1.5  # in text lines: a cell between rows left out, rather than set that far off its rows' middle
_FOREIGN_COST = 3.0  # in text lines: a 二级 group of another 一级 covered, rather than set that far off
_REACH = _SPARE_COST + _FOREIGN_COST  # a run whose middle lies further off its cell's never costs less
_BEHIND = 4 * _REACH


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
                        for last in _reachable(place.middle, tops, first)]
            for total, free, chosen in options:
                if free not in following or total < following[free][0]:
                    following[free] = (total, chosen)
        # a way of parting the rows that costs that much more than the best so far never catches up
        least = min((total for total, _ in following.values()), default=0.0)
        best = {free: item for free, item in following.items() if item[0] <= least + _BEHIND}
    return min(best.values(), key=lambda item: item[0])[1] if best else []


def _reachable(middle: float, tops: list[float], first: int) -> range:
    """The last stripes of the runs from ``first`` worth trying for a cell at ``middle``: those whose
    middle lies within _REACH of the cell's (or the one nearest, when none does)."""
    rows = len(tops) - 1
    if first >= rows:
        return range(0)
    low = bisect_left(tops, 2 * (middle - _REACH) - tops[first], first + 1, rows + 1) - 1
    high = bisect_right(tops, 2 * (middle + _REACH) - tops[first], first + 1, rows + 1) - 1
    low = min(max(low, first), rows - 1)
    return range(low, max(low + 1, high))


def spread(body: Body, owner: Owners, opening: list[int], texts: list[list[str]], merged: set[int]) -> None:
    """Fills the merged columns of ``texts`` (one list per row, opened at the lines ``opening``) with
    the cells that cover each row."""
    stripes_ = stripes(body, owner, opening, merged)
    printed = {line for line, _ in body}
    rows = list(range(len(texts)))
    # the innermost merged column (二级) first: its cells that cover no row are empty template rows,
    # which the columns outside it (一级) cover too
    for column in sorted(merged, reverse=True):
        cells = merged_cells(body, column)
        spans = merged_spans(cells, stripes_, printed)
        for row, stripe in enumerate(rows):
            texts[row][column] = cells[spans[stripe]][1] if stripe in spans else ""
        if column == max(merged):
            for stripe, cell in spans.items():
                stripes_[stripe].group = cells[cell][1]
            stripes_ = with_empty_rows(stripes_, cells, set(spans.values()))
            rows = [k for k, stripe in enumerate(stripes_) if not stripe.empty]
