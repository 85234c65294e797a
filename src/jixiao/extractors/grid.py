"""Ruled table grids in page images, and assigning text boxes to their cells.

Ruling lines are found the way camelot's lattice parser finds them
(camelot/image_processing.py): an adaptive threshold of the inverted page,
then erosion and dilation with long thin kernels keep only long horizontal
and vertical strokes. From those lines we take the row and column boundaries
of each table, and two neighbouring elementary cells belong to one (merged)
cell when no ruling line separates them. Small rotations are corrected first,
because a 1° tilt breaks a one-pixel-high line into pieces no kernel keeps.

Everything here is in pixels of the (deskewed) image; callers convert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import cv2
import numpy as np

from .base import cluster_values

MAX_SKEW_DEGREES = 2.0


@dataclass(frozen=True)
class GridCell:
    """One (possibly merged) table cell: pixel bbox plus its row/column span."""

    table: int
    row: int  # first elementary row
    col: int  # first elementary column
    row_span: int
    col_span: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass
class Table:
    """A ruled table: its elementary boundaries and its (merged) cells, top-down."""

    index: int
    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)

    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by their first elementary row, left to right."""
        out: dict[int, list[GridCell]] = {}
        for cell in self.cells:
            out.setdefault(cell.row, []).append(cell)
        return [sorted(out[r], key=lambda c: c.col) for r in sorted(out)]


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0, as camelot's adaptive_threshold (block 15, c -2) makes it."""
    return cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)


def estimate_skew(gray: np.ndarray, *, max_degrees: float = MAX_SKEW_DEGREES) -> float:
    """The small rotation (degrees, counter-clockwise positive) that levels the page.

    Projection-profile search: text lines and ruling lines make the row sums of a
    level page spiky, so the angle whose rotation maximises their variance wins.
    Searched on a quarter-size image, coarse then fine, which takes milliseconds.
    """
    # ink is told at full size and then reduced: a one-pixel ruling line reduced first is too pale
    ink = cv2.resize((gray < 160).astype(np.float32), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def score(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        return float(np.var(rotated.sum(axis=1)))

    if not ink.any():
        return 0.0
    best = _best(np.arange(-max_degrees, max_degrees + 1e-9, 0.2), score)
    fine = _best(np.arange(best - 0.2, best + 0.2 + 1e-9, 0.04), score)
    return round(float(fine), 3) + 0.0  # never -0.0


def _best(angles: np.ndarray, score) -> float:
    """The middle of the angles that score highest: at a quarter of the size, angles a few hundredths
    of a degree apart can score the same, and the first of them would turn a level page."""
    scores = np.array([score(a) for a in angles])
    top = angles[scores >= scores.max() * (1 - 1e-9)]
    return float(top[len(top) // 2])


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate about the centre, keeping the size; uncovered corners become white paper."""
    if abs(angle) < 0.02:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def line_masks(binary: np.ndarray, *, min_h: int, min_v: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical line masks: strokes at least min_h / min_v pixels long.

    camelot sizes its kernels as a fraction of the page (line_scale); here they are
    given in pixels by the caller from the DPI, because a one-row cell border is
    shorter than any page fraction that still rejects the strokes of characters.
    """
    def keep(kernel_size: tuple[int, int]) -> np.ndarray:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
        return cv2.dilate(cv2.erode(binary, kernel), kernel)

    return keep((min_h, 1)), keep((1, min_v))


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, float, float]]:
    """Connected line pieces as (position across, start along, end along)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if horizontal:
            out.append((y + h / 2, float(x), float(x + w)))
        else:
            out.append((x + w / 2, float(y), float(y + h)))
    return out


def find_tables(gray: np.ndarray, dpi: float) -> list[Table]:
    """Ruled tables of a (deskewed) grayscale page, top to bottom."""
    binary = binarize(gray)
    pt = dpi / 72.0
    horizontal, vertical = line_masks(binary, min_h=max(15, int(30 * pt)), min_v=max(10, int(12 * pt)))
    joints = cv2.bitwise_and(cv2.dilate(horizontal, np.ones((5, 5), np.uint8)),
                             cv2.dilate(vertical, np.ones((5, 5), np.uint8)))
    grid = cv2.bitwise_or(horizontal, vertical)
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    tables: list[Table] = []
    boxes = sorted((cv2.boundingRect(c) for c in contours), key=lambda b: (b[1], b[0]))
    for x, y, w, h in boxes:
        if w < 60 * pt or h < 20 * pt or cv2.countNonZero(joints[y:y + h, x:x + w]) == 0:
            continue  # a lone rule under a title, not a table
        table = _table_from_region(horizontal, vertical, (x, y, w, h), len(tables), tolerance=3 * pt)
        if table is not None and table.cells:
            tables.append(table)
    return tables


def _table_from_region(horizontal: np.ndarray, vertical: np.ndarray, region: tuple[int, int, int, int],
                       index: int, *, tolerance: float) -> Optional[Table]:
    x, y, w, h = region
    pad = int(tolerance) + 2
    sl = (slice(max(0, y - pad), y + h + pad), slice(max(0, x - pad), x + w + pad))
    oy, ox = sl[0].start, sl[1].start
    hsegs = [(p + oy, a + ox, b + ox) for p, a, b in _segments(horizontal[sl], True)]
    vsegs = [(p + ox, a + oy, b + oy) for p, a, b in _segments(vertical[sl], False)]
    ys = cluster_values([s[0] for s in hsegs], tolerance)
    xs = cluster_values([s[0] for s in vsegs], tolerance)
    if len(xs) < 2 or len(ys) < 2:
        return None

    def covered(segments, position, start, end) -> bool:
        """Whether ruling segments near `position` cover most of [start, end]."""
        length = 0.0
        for p, a, b in segments:
            if abs(p - position) <= tolerance + 1:
                length += max(0.0, min(b, end) - max(a, start))
        return length >= 0.6 * (end - start)

    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not covered(vsegs, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not covered(hsegs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    table = Table(index=index, xs=xs, ys=ys)
    for members in groups.values():
        r0, r1 = min(m[0] for m in members), max(m[0] for m in members)
        c0, c1 = min(m[1] for m in members), max(m[1] for m in members)
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            continue  # not a rectangle: a broken line, not a cell
        if not any(covered(vsegs, xs[c0], ys[r], ys[r + 1]) for r in range(r0, r1 + 1)):
            continue  # open on the left: outside the ruled area
        table.cells.append(GridCell(index, r0, c0, r1 - r0 + 1, c1 - c0 + 1,
                                    xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    table.cells.sort(key=lambda cell: (cell.row, cell.col))
    return table


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


@dataclass(frozen=True)
class Placed:
    """A text box placed in a cell; `bbox` is clipped to the cell when the box straddled a line."""

    cell: GridCell
    bbox: tuple[float, float, float, float]
    source: int  # index of the original box


def assign_boxes(cells: Sequence[GridCell], boxes: Sequence[tuple[float, float, float, float]],
                 *, min_share: float = 0.2) -> list[Placed]:
    """Place each text box in the cell it overlaps most.

    A box that straddles a ruling line (the detector sometimes joins text
    across a thin border) is split: each cell holding at least ``min_share`` of
    its area gets the part inside it. Boxes outside every cell are dropped
    (titles, page numbers, 续表 marks).
    """
    placed: list[Placed] = []
    for k, box in enumerate(boxes):
        area = max(1.0, (box[2] - box[0]) * (box[3] - box[1]))
        shares = [(cell, _overlap(box, cell.bbox) / area) for cell in cells]
        shares = [(cell, share) for cell, share in shares if share > 0]
        if not shares:
            continue
        best = max(share for _, share in shares)
        keep = [(cell, share) for cell, share in shares if share >= min_share or share == best]
        for cell, _share in keep:
            clipped = (max(box[0], cell.x0), max(box[1], cell.y0), min(box[2], cell.x1), min(box[3], cell.y1))
            placed.append(Placed(cell, clipped if len(keep) > 1 else box, k))
    return placed


def reading_order(items: Sequence[tuple[tuple[float, float, float, float], str]]) -> list[str]:
    """Texts of one cell in reading order: lines top-down (boxes whose vertical
    centres are within half a line height form a line), each line left to right."""
    ordered = sorted(items, key=lambda item: (item[0][1] + item[0][3]) / 2)
    lines: list[list[tuple[tuple[float, float, float, float], str]]] = []
    for item in ordered:
        centre = (item[0][1] + item[0][3]) / 2
        height = item[0][3] - item[0][1]
        if lines:
            last = lines[-1][-1][0]
            if abs(centre - (last[1] + last[3]) / 2) < 0.5 * max(height, last[3] - last[1]):
                lines[-1].append(item)
                continue
        lines.append([item])
    return [text for line in lines for _, text in sorted(line, key=lambda item: item[0][0])]
