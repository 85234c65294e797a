"""Ruling lines → tables of cells, merged cells included: pure geometry, no PDF library.

The steps chain like pdfplumber's table finder (edges → joined edges →
connected tables → slots → cells): segments are snapped and joined, the
segments that touch one another make a table, the distinct line positions of
a table cut it into slots, and two neighbouring slots are one (merged) cell
when no line separates them, as camelot's lattice parser decides it from the
picture.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .base import cluster_values

BBox = tuple[float, float, float, float]
Edge = tuple[float, float, float]  # position, start, end

TOLERANCE = 3.0  # points: lines this close are one line; a gap this small is no gap


@dataclass
class LatticeCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


@dataclass
class Lattice:
    """One ruled table: its column (xs) and row (ys) boundaries and its cells, top to bottom."""

    xs: list[float]
    ys: list[float]
    cells: list[LatticeCell] = field(default_factory=list)
    owner: dict[tuple[int, int], int] = field(default_factory=dict)  # slot → index in cells

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_at(self, x: float, y: float) -> int | None:
        """Index of the cell whose slot holds the point, or None outside the table."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        c = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        r = min(max(bisect.bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        return self.owner.get((r, c))


def join_edges(edges: list[Edge], tolerance: float = TOLERANCE) -> list[Edge]:
    """Snap edges at (nearly) the same position to one position, and join those that overlap or
    nearly touch along it."""
    out: list[Edge] = []
    for group in _clusters(sorted(edges), tolerance):
        position = sum(e[0] for e in group) / len(group)
        runs = sorted((e[1], e[2]) for e in group)
        start, end = runs[0]
        for a, b in runs[1:]:
            if a <= end + tolerance:
                end = max(end, b)
            else:
                out.append((position, start, end))
                start, end = a, b
        out.append((position, start, end))
    return out


def _clusters(edges: list[Edge], tolerance: float) -> list[list[Edge]]:
    groups: list[list[Edge]] = []
    for edge in edges:  # sorted by position
        if groups and edge[0] - groups[-1][-1][0] <= tolerance:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    return groups


def _bounded(positions: list[float], low: float, high: float, tolerance: float) -> list[float]:
    """Line positions, with the ends of the crossing lines as outer bounds where no line is drawn."""
    if low < positions[0] - tolerance:
        positions.insert(0, low)
    if high > positions[-1] + tolerance:
        positions.append(high)
    return positions


def find_lattices(horizontal: list[Edge], vertical: list[Edge], tolerance: float = TOLERANCE) -> list[Lattice]:
    """Every table the ruling lines draw, top to bottom; a lone rule or box is no table."""
    hs, vs = join_edges(horizontal, tolerance), join_edges(vertical, tolerance)
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(hs):
        for j, (x, top, bottom) in enumerate(vs):
            if x0 - tolerance <= x <= x1 + tolerance and top - tolerance <= y <= bottom + tolerance:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Edge], list[Edge]]] = {}
    for i, edge in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(edge)
    for j, edge in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(edge)
    lattices = [lattice for h, v in groups.values() if h and v
                and (lattice := _lattice(h, v, tolerance)) is not None]
    return sorted(lattices, key=lambda t: (t.ys[0], t.xs[0]))


def _lattice(hs: list[Edge], vs: list[Edge], tolerance: float) -> Lattice | None:
    # an open side (no outer vertical rule, as in a three-line table) still bounds the table
    xs = _bounded(cluster_values([e[0] for e in vs], tolerance), min(e[1] for e in hs), max(e[2] for e in hs), tolerance)
    ys = _bounded(cluster_values([e[0] for e in hs], tolerance), min(e[1] for e in vs), max(e[2] for e in vs), tolerance)
    if len(xs) < 2 or len(ys) < 2 or (len(xs) == 2 and len(ys) == 2):
        return None
    rows, cols = len(ys) - 1, len(xs) - 1

    def by_position(lines: list[Edge], positions: list[float]) -> dict[int, list[tuple[float, float]]]:
        out: dict[int, list[tuple[float, float]]] = {}
        for p, a, b in lines:
            k = min(range(len(positions)), key=lambda i: abs(positions[i] - p))
            if abs(positions[k] - p) <= tolerance:
                out.setdefault(k, []).append((a, b))
        return out

    at_x, at_y = by_position(vs, xs), by_position(hs, ys)

    def covered(lines: dict[int, list[tuple[float, float]]], k: int, a: float, b: float) -> bool:
        slack = min(tolerance, (b - a) / 3)
        return any(s <= a + slack and e >= b - slack for s, e in lines.get(k, ()))

    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(slot: tuple[int, int]) -> tuple[int, int]:
        while parent[slot] != slot:
            parent[slot] = parent[parent[slot]]
            slot = parent[slot]
        return slot

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the top-left slot names the cell

    for r in range(rows):
        for c in range(cols):
            if c > 0 and not covered(at_x, c, ys[r], ys[r + 1]):
                union((r, c - 1), (r, c))
            if r > 0 and not covered(at_y, r, xs[c], xs[c + 1]):
                union((r - 1, c), (r, c))
    roots = {slot: find(slot) for slot in parent}
    spans: dict[tuple[int, int], list[int]] = {}
    for slot, root in roots.items():
        box = spans.setdefault(root, [slot[0], slot[1], slot[0], slot[1]])
        box[0], box[1] = min(box[0], slot[0]), min(box[1], slot[1])
        box[2], box[3] = max(box[2], slot[0]), max(box[3], slot[1])
    lattice = Lattice(xs=xs, ys=ys)
    index_of: dict[tuple[int, int], int] = {}
    for root, (r0, c0, r1, c1) in sorted(spans.items(), key=lambda item: (item[1][0], item[1][1])):
        index_of[root] = len(lattice.cells)
        lattice.cells.append(LatticeCell(row=r0, col=c0, row_span=r1 - r0 + 1, col_span=c1 - c0 + 1,
                                         bbox=(xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
    lattice.owner = {slot: index_of[root] for slot, root in roots.items()}
    return lattice
