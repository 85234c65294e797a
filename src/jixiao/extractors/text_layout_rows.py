"""The rows of a ``pdftotext -layout`` table's body (extractors/text_layout.py finds its columns).

A row of a ruled table has one line where its one-line cells stand (a value, a score): the *anchor*
column's cells, figures filled in every row, open the rows. A cell the page wrapped goes on over the
lines around its row's line, as many above as below, and no ruling line or blank line parts the
rows; so each column is cut into rows on its own, where every row's cell stands best centred on the
row's line (one line may hold the last line of one row's cell and the first of the next row's in
another column). A row the filer left empty (its group names alone) opens a row of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Optional

Rows = list[list[tuple[str, int]]]
_FIGURE = re.compile(r"\d")


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
        figures = [bool(_FIGURE.search(run.text)) for _, run in runs]
        if len(runs) < 2 or any(b - a == 1 and not (figures[i] and figures[i + 1])
                                for i, (a, b) in enumerate(zip(numbers, numbers[1:]))):
            continue
        if sum(1 for _, run in runs if len(run.text) <= 12) >= 0.9 * len(runs):
            out.append(column)
    return out


def anchor(body: Body, width: int) -> Optional[int]:
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


def cores(body: Body, anchor: int, width: int) -> list[int]:
    """The body lines that open rows: those with a cell in the anchor column, and busy lines without one
    (a row that left its value empty) unless a wrapped cell's line of the row next to them."""
    anchored = [k for k, (_, cells) in enumerate(body) if anchor in cells]
    anchored_lines = {body[k][0] for k in anchored}
    lines = set(anchored)
    for k, (line, cells) in enumerate(body):
        if k in lines or not _busy(cells, width):
            continue
        if not any(line + step in anchored_lines for step in (-1, 0, 1)):
            lines.add(k)
    lines.update(empty_rows(body, anchor, None))
    # a band of its own with no such line but cells in two columns or more: a row the filer left empty
    # (经济效益指标 and nothing else), not the wrapped part of a row
    bands = blank_bands(body)
    held = {bands[k] for k in lines}
    for band in sorted(set(bands) - held):
        members = [k for k in range(len(body)) if bands[k] == band]
        if len({column for k in members for column in body[k][1]}) >= 2:
            lines.add(members[0])
    return sorted(lines)


def empty_rows(body: Body, anchor: int, merged: Optional[set[int]]) -> list[int]:
    """Lines that open a row the filer left empty where no blank line sets rows apart: cells in the
    first two columns, the group names, and nothing else (经济效益指标, under its 一级), more than two
    lines from any line of the anchor column (a wrapped cell's first line stands at most two lines
    above its row's). Once the merged columns are known (``merged``), a group name alone opens such a
    row too when its column holds no merged cells (else it is a merged cell between rows). Lines
    right under such a line are its own (wrapped names), not new rows."""
    anchored = {line for line, cells in body if anchor in cells}
    out: list[int] = []
    for k, (line, cells) in enumerate(body):
        alone = len(cells) == 1 and merged is not None and not set(cells) & merged
        if max(cells) >= min(2, anchor) or (len(cells) < 2 and not alone) \
                or any(line + step in anchored for step in range(-2, 3)):
            continue
        if not out or line - body[out[-1]][0] > 1:
            out.append(k)
    return out


def blank_bands(body: Body) -> list[int]:
    """For each body line, its band: lines between two blank lines (a page that spaces its rows)."""
    out, band = [], 0
    for k, (line, _) in enumerate(body):
        if k and line - body[k - 1][0] > 1:
            band += 1
        out.append(band)
    return out


Owners = list[dict[int, int]]  # for each body line, column → the row its run there belongs to


def owners(body: Body, cores: list[int], width: int) -> Owners:
    """For each body line and column, the row its run belongs to. A band of lines between blank lines
    that opens one row is that row's; elsewhere each column is cut into rows on its own (_column_cuts):
    pdftotext puts on one line the last line of a cell and the first of the next row's cell in another
    column when their heights agree, so one line may hold pieces of two rows."""
    bands = blank_bands(body)
    centres = [_centre(body, k) for k in cores]
    cuts = {column: _column_cuts([line for line, cells in body if column in cells], centres)
            for column in range(width)}
    opened: dict[int, list[int]] = {}  # band → the rows opened in it
    for row, k in enumerate(cores):
        opened.setdefault(bands[k], []).append(row)
    owner: Owners = []
    for k, (line, cells) in enumerate(body):
        in_band = opened.get(bands[k], [])
        owner.append({column: in_band[0] if len(in_band) == 1 else
                      min(bisect_right(cuts[column], line), len(cores) - 1) for column in cells})
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


def _cut_places(lines: list[int], centre: float, following: float) -> list[float]:
    """Where a cut between rows opened at lines ``centre`` and ``following`` may go: right after the
    first, or right after one of the column's lines between them (cuts with no line between them part
    the column's lines alike)."""
    first, last = int(centre) + 1, int(following)
    inside = lines[bisect_left(lines, first):bisect_left(lines, last)]
    return [float(first), *(float(x + 1) for x in inside if x + 1 > first)]


def _column_cuts(lines: list[int], centres: list[float]) -> list[float]:
    """Where one column's lines part into rows: between two rows' opening lines one cut (a ruling line
    pdftotext does not print), the cuts taken being those that set the column's cell in every row best
    centred on its opening line (_cell_cost). Returns each row's end (its next row's first line)."""
    def cost(row: int, low: float, high: float) -> float:
        return _cell_cost(lines[bisect_left(lines, low):bisect_left(lines, high)], centres[row])

    # for each row, each cut after it → (cost of the rows so far, the cut before it)
    layers: list[dict[float, tuple[float, float]]] = []
    totals: dict[float, float] = {float("-inf"): 0.0}
    for row, centre in enumerate(centres):
        after = _cut_places(lines, centre, centres[row + 1]) if row + 1 < len(centres) else [float("inf")]
        layers.append({cut: min((total + cost(row, low, cut), low) for low, total in totals.items()) for cut in after})
        totals = {cut: total for cut, (total, _) in layers[-1].items()}
    cut = min(totals, key=lambda end: (totals[end], end))
    cuts: list[float] = []
    for layer in reversed(layers):
        cuts.append(cut)
        cut = layer[cut][1]
    return cuts[::-1]


def texts(body: Body, owner: Owners, rows: int, width: int) -> list[list[str]]:
    """Each row's text in each column: the runs it owns there, top to bottom."""
    texts: list[list[str]] = [[""] * width for _ in range(rows)]
    for k, (_, cells) in enumerate(body):
        for column, run in cells.items():
            texts[owner[k][column]][column] += run.text
    return texts


def merged_columns(texts: list[list[str]], anchor: int) -> set[int]:
    """The first columns, when they leave many rows empty, hold merged cells (一级, 二级): the run of
    such columns from the left edge, before the anchor."""
    merged: set[int] = set()
    for column in range(anchor):
        if sum(1 for row in texts if row[column]) >= 0.8 * len(texts):
            break
        merged.add(column)
    return merged
