"""Reading the one-glyph marks of the indicator table by their shape, not by OCR.

The 指标值类型 (operator) column holds = ≥ ≤ > < (or full-width ＝ ＞ ＜), the
words 定性/定量, or "/"; the target and unit columns hold "/" when empty. The
recogniser, trained on running text, reads a lone ≥ as "M", "#", "." or "=",
and a lone "/" (also in the score column) as "！" or "1.", with low scores. These marks are simple
geometric figures, so we look at the ink instead:

- binarise the cell's inside (its ruling lines cut off), drop specks, keep the
  connected components;
- none left: a blank cell; ink much wider than tall, or many components: text
  (定性, 定量, a number) — the caller keeps the OCR reading;
- one thin stroke whose row centres move left going down: "/";
- two full-width bars with a lighter band between them: "=";
- a chevron (rows above a full-width bottom bar whose centres bulge to one
  side in the middle): its apex on the right is ">", on the left "<", and with
  the bar under it "≥" / "≤".

Each reading carries a certainty in [0, 1]; :func:`merge_mark` decides between
the shape and the OCR text and lowers the cell's confidence when they disagree,
so repair flags the field for review.

Full-width ＝ ＞ ＜ differ from = > < only by the blank around them, which a
cell crop cannot tell; the shape answers the ASCII form (repair normalises both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from .ocr_fixes import GUESS_CONFIDENCE
from ..layout.taxonomy import normalise_operator

SURE = 0.5  # a shape reading at least this certain overrides the OCR text
SETTLED = 0.85  # ... and at least this certain, the cell is not OCR'd at all
MARK_COLUMNS = ("operator", "target", "unit", "score")


@dataclass(frozen=True)
class MarkReading:
    """What the shape says: a mark ("=", "≥", "≤", ">", "<", "/"), "" for a blank
    cell, or None for text (or a figure it cannot name), and how sure it is."""

    mark: Optional[str]
    certainty: float
    why: str = ""


def _binary(crop: np.ndarray) -> np.ndarray:
    """Ink (1) on paper (0): a threshold halfway between the paper and the darkest ink,
    and never closer than 50 grey levels to the paper (scanner noise is not ink)."""
    paper = float(np.median(crop))
    dark = float(np.percentile(crop, 0.5))
    if paper - dark < 60:
        return np.zeros(crop.shape, np.uint8)
    threshold = min(paper - 50, (paper + dark) / 2)
    return (crop < threshold).astype(np.uint8)


def _components(binary: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """Connected ink pieces (x, y, w, h, area) that are neither specks nor ruling-line
    remnants touching the crop's edge."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    h, w = binary.shape
    pieces = []
    for x, y, cw, ch, area in stats[1:n]:
        touches = x == 0 or y == 0 or x + cw >= w or y + ch >= h
        if touches and (cw > 0.5 * w or ch > 0.5 * h or min(cw, ch) <= 2):
            continue  # a piece of the cell's border
        pieces.append((int(x), int(y), int(cw), int(ch), int(area)))
    if not pieces:
        return []
    biggest = max(p[4] for p in pieces)
    return [p for p in pieces if p[4] >= max(4, 0.12 * biggest)]


def _cluster(pieces, gap: float):
    """The pieces that belong to the leftmost glyph group (pieces closer than `gap`)."""
    pieces = sorted(pieces)
    group = [pieces[0]]
    right = pieces[0][0] + pieces[0][2]
    for p in pieces[1:]:
        if p[0] > right + gap:
            return group, True
        group.append(p)
        right = max(right, p[0] + p[2])
    return group, False


def classify_mark(crop: np.ndarray, *, line_px: float = 3.0) -> MarkReading:
    """Classify the content of one grayscale cell crop (ruling lines may be inside
    its edges; `line_px` is how far in to cut them off)."""
    inset = int(round(line_px)) + 1
    inner = crop[inset:crop.shape[0] - inset, inset:crop.shape[1] - inset]
    if inner.size == 0:
        return MarkReading("", 1.0, "empty crop")
    binary = _binary(inner)
    pieces = _components(binary)
    if not pieces:
        return MarkReading("", 0.9, "no ink")
    height = max(p[1] + p[3] for p in pieces) - min(p[1] for p in pieces)
    group, more = _cluster(pieces, gap=max(3.0, 0.6 * height))
    if more:
        return MarkReading(None, 0.9, "more than one glyph")
    x0, y0 = min(p[0] for p in group), min(p[1] for p in group)
    x1, y1 = max(p[0] + p[2] for p in group), max(p[1] + p[3] for p in group)
    glyph = Glyph(binary[y0:y1, x0:x1], inner[y0:y1, x0:x1].astype(np.float32),
                  sorted(((x - x0, y - y0, w, h, a) for x, y, w, h, a in group), key=lambda p: p[1]))
    reading = _equals(glyph)
    if reading is not None:
        return reading
    if len(group) > 3 or glyph.w > 1.6 * glyph.h:
        return MarkReading(None, 0.9, "text-like ink")
    for test in (_slash, _chevron):
        reading = test(glyph)
        if reading is not None:
            return reading
    return MarkReading(None, 0.0, "no known figure")


@dataclass
class Glyph:
    """One glyph's ink: binary and grey crops of its bounding box, and its pieces
    (x, y, w, h, area) in the box's coordinates, top-down."""

    binary: np.ndarray
    gray: np.ndarray
    pieces: list[tuple[int, int, int, int, int]]

    @property
    def h(self) -> int:
        return self.binary.shape[0]

    @property
    def w(self) -> int:
        return self.binary.shape[1]

    def is_bar(self, piece) -> bool:
        """A flat piece nearly as wide as the glyph: one bar of = ≥ ≤."""
        return piece[2] >= 0.7 * self.w and piece[3] <= max(4, 0.4 * self.h) and piece[2] >= 2.5 * piece[3]


def _rows(binary: np.ndarray):
    """Per ink row: index, fill ratio, left edge, right edge, centre."""
    w = binary.shape[1]
    out = []
    for r in range(binary.shape[0]):
        cols = np.flatnonzero(binary[r])
        if cols.size:
            out.append((r, cols.size / w, cols[0], cols[-1], (cols[0] + cols[-1]) / 2))
    return out


def _slash(glyph: Glyph) -> Optional[MarkReading]:
    h, w = glyph.h, glyph.w
    rows = _rows(glyph.binary)
    if len(glyph.pieces) != 1 or h < 6 or h < 1.1 * w or len(rows) < 0.8 * h:
        return None
    ys = np.array([r[0] for r in rows], float)
    cs = np.array([r[4] for r in rows], float)
    widths = np.array([r[3] - r[2] + 1 for r in rows], float)
    if np.ptp(cs) < 0.25 * h or np.median(widths) > 0.6 * w or max(r[1] for r in rows) > 0.7:
        return None  # upright, or thick, or with a bar across (the digit 7)
    corr = float(np.corrcoef(ys, cs)[0, 1])
    if corr > -0.85:
        return None
    return MarkReading("/", round(min(1.0, 0.5 + (-corr - 0.85) * 5), 3), f"diagonal stroke, r={corr:.2f}")


def _bands(gray: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows darker than about half the darkest row (grey levels, so that two
    bars blurred together still show the lighter band between them)."""
    ink = (255.0 - gray).sum(axis=1)
    level = 0.55 * float(ink.max())
    runs, start = [], None
    for r, v in enumerate(ink):
        if v >= level and start is None:
            start = r
        elif v < level and start is not None:
            runs.append((start, r))
            start = None
    if start is not None:
        runs.append((start, len(ink)))
    return runs


def _equals(glyph: Glyph) -> Optional[MarkReading]:
    if glyph.h > 0.9 * glyph.w:
        return None
    if len(glyph.pieces) == 2 and all(glyph.is_bar(p) for p in glyph.pieces):
        return MarkReading("=", 0.9, "two bars")
    rows = _rows(glyph.binary)
    full = [r for r in rows if r[1] >= 0.6]
    if len(glyph.pieces) == 1 and len(full) >= 0.85 * len(rows) and len(_bands(glyph.gray)) == 2:
        return MarkReading("=", 0.7, "two bars blurred into one")
    return None


def _touching_bar(rows):
    """(True, the rows above it) when a bar touches the chevron: full rows at the bottom (below it,
    a row or two of ragged edge or noise); (None, rows) otherwise."""
    k = len(rows)
    while k > len(rows) - 2 and k > 0 and rows[k - 1][1] < 0.75:
        k -= 1
    end = k
    while k > 0 and rows[k - 1][1] >= 0.75:
        k -= 1
    if end - k >= 1 and k >= 4 and end - k <= 0.4 * len(rows):
        return True, rows[:k]
    return None, rows


def _chevron(glyph: Glyph) -> Optional[MarkReading]:
    """> < ≥ ≤: the rows of the chevron bulge to the apex side in the middle."""
    pieces = glyph.pieces
    bars = 0  # under the chevron: one bar (≥ ≤) or two (≧ ≦, as some templates print them)
    while bars < 2 and len(pieces) - bars >= 2 and glyph.is_bar(pieces[-1 - bars]):
        bars += 1
    if bars and len(pieces) - bars > 1:
        return None
    bar = pieces[-1] if bars else None
    top = (pieces[-1 - bars][1] + pieces[-1 - bars][3]) if bars else glyph.h
    rows = _rows(glyph.binary[:top])
    if bar is None:
        bar, rows = _touching_bar(rows)
    n = len(rows)
    if n < 4 or glyph.w < 4:
        return None
    q = max(1, n // 4)
    ends, middle = rows[:q] + rows[n - q:], rows[n // 3: n - n // 3] or rows[n // 2: n // 2 + 1]
    w = glyph.w
    # how far the middle rows' centres sit from the ends' centres: + apex right, - apex left
    bulge = float(np.mean([r[4] for r in middle]) - np.mean([r[4] for r in ends])) / w
    tilt = abs(np.mean([r[4] for r in rows[:q]]) - np.mean([r[4] for r in rows[n - q:]])) / w
    if tilt > 0.35 or abs(bulge) < 0.25:
        return None  # one slanted stroke, or no apex: not a chevron
    mark = ">" if bulge > 0 else "<"
    slanted = bar is None and _slanted_bar(glyph.binary, rows, apex_right=bulge > 0)
    if bar is not None or slanted:
        mark = {">": "≥", "<": "≤"}[mark]
    certainty = round(min(1.0, 0.5 + 2 * (abs(bulge) - 0.25)), 3)
    kind = "slanted" if slanted else "yes" if bar else "no"
    return MarkReading(mark, certainty, f"chevron, bulge {bulge:+.2f} w, bar {kind}")


SLANTED_REACH = 1.2  # rows below the apex over rows above it: the bar reaches down past the lower arm
SLANTED_INK = 1.3  # ink per row below the apex over that above it: a second stroke beside the lower arm


def _slanted_bar(binary: np.ndarray, rows, *, apex_right: bool) -> bool:
    """≥ ≤ as some fonts draw them (⩾ ⩽: AR PL UMing, MS Mincho): the bar under the chevron runs
    parallel to its lower arm, not across. The glyph then reaches further below its apex than above
    it, and below the apex rows hold the arm and the bar: two runs of ink, or, where the scan's blur
    joins them, more ink than the rows above."""
    centres = [r[4] for r in rows]
    extreme = max(centres) if apex_right else min(centres)
    at = [k for k, c in enumerate(centres) if abs(c - extreme) <= 1.0]
    apex = at[len(at) // 2]
    above, below = rows[:apex], rows[apex + 1:]
    if len(above) < 3 or len(below) < SLANTED_REACH * len(above):
        return False
    ink = [int(binary[r[0]].sum()) for r in rows]
    doubled = np.mean(ink[apex + 1:]) >= SLANTED_INK * max(1.0, float(np.mean(ink[:apex])))
    runs = [int(np.count_nonzero(np.diff(np.concatenate(([0], binary[r[0]], [0])).astype(np.int8)) == 1))
            for r in below]
    return doubled or sum(1 for n in runs if n >= 2) >= 0.25 * len(below)


def is_mark(reading: MarkReading) -> bool:
    """Whether the shape names a mark (not blank, not text) with SETTLED certainty."""
    return reading.mark not in (None, "") and reading.certainty >= SETTLED


def settles(column: str, reading: MarkReading) -> bool:
    """Whether the shape alone decides the cell, so the recogniser need not read it:
    a sure operator glyph in the operator column, a sure "/" in any mark column.

    The recogniser is a poor second opinion here: it reads most ≥ and ≤ as "M" or
    "#", so asking it would flag every such cell and cost a recogniser slot.
    """
    return is_mark(reading) and (column == "operator" or column in MARK_COLUMNS and reading.mark == "/")


def merge_mark(column: str, reading: MarkReading, text: str,
               confidence: Optional[float]) -> tuple[str, Optional[float]]:
    """The cell's text and confidence from the shape reading and the (post-corrected)
    OCR text of an operator, target or unit cell.

    A sure shape wins; when the OCR text says something else, the confidence is
    capped at GUESS_CONFIDENCE so the field is reviewed. In target and unit cells
    the shape only decides blank and "/" (anything else there is a number or a
    word, which is the recogniser's job). An unsure shape leaves the OCR text.
    """
    mark = reading.mark
    if mark is None or reading.certainty < SURE:
        return text, confidence
    if column != "operator" and mark not in ("", "/"):
        return text, confidence
    ocr = text.strip()
    if mark == "":
        if not ocr:
            return "", confidence
        # no ink the shape could see, but the recogniser read something: keep it, doubtfully
        return text, min(confidence if confidence is not None else 1.0, GUESS_CONFIDENCE)
    agree = ocr in ("/", "／") if mark == "/" else normalise_operator(ocr) == normalise_operator(mark)
    if agree:
        # two independent readers agree: as sure as the surer of them
        return text, max(confidence or 0.0, reading.certainty)
    return mark, min(confidence if confidence is not None else 1.0, GUESS_CONFIDENCE)


def leading_mark(crop: np.ndarray, *, line_px: float = 3.0) -> tuple[MarkReading, int]:
    """The first glyph of a cell that holds more than one (a target with its operator, ``≥88%``)
    classified by shape: ≥ ≤ > < with their certainty (None when it is no chevron), and the crop's
    column just right of it, where the value starts. Glyphs that the scan's blur has joined
    (≥ touching 8) are parted by a stricter threshold."""
    inset = int(round(line_px)) + 1
    inner = crop[inset:crop.shape[0] - inset, inset:crop.shape[1] - inset]
    none = (MarkReading(None, 0.0, "no leading chevron"), 0)
    if inner.size == 0:
        return none
    paper, dark = float(np.median(inner)), float(np.percentile(inner, 0.5))
    if paper - dark < 60:
        return none
    for level in (None, dark + 0.35 * (paper - dark), dark + 0.2 * (paper - dark)):
        binary = _binary(inner) if level is None else (inner < level).astype(np.uint8)
        pieces = _components(binary)
        if not pieces:
            return none
        top = min(p[1] for p in pieces)  # the glyphs of the first text line only
        line_h = max(p[3] for p in pieces if p[1] <= top + 2)
        # the glyphs of the first line, and a flat bar just under it (≥ ≤ whose bar stands apart)
        pieces = [p for p in pieces if p[1] < top + line_h
                  or p[1] < top + 1.5 * line_h and p[2] >= 2.5 * p[3]]
        height = max(p[1] + p[3] for p in pieces) - min(p[1] for p in pieces)
        group, more = _cluster(pieces, gap=1.0)
        if more:
            break
    else:
        return none
    x0, y0 = min(p[0] for p in group), min(p[1] for p in group)
    x1, y1 = max(p[0] + p[2] for p in group), max(p[1] + p[3] for p in group)
    if len(group) > 3 or x1 - x0 > 1.2 * (y1 - y0) or y1 - y0 < 0.3 * height:
        return none
    glyph = Glyph(binary[y0:y1, x0:x1], inner[y0:y1, x0:x1].astype(np.float32),
                  sorted(((x - x0, y - y0, w, h, a) for x, y, w, h, a in group), key=lambda p: p[1]))
    reading = _chevron(glyph)
    if reading is None or reading.certainty < SURE:
        return none
    if x1 - x0 < (0.65 if reading.why.endswith("bar slanted") else 0.8) * (y1 - y0):
        # ≥ and ≤ are about as wide as high (⩾ ⩽, their bar running down past the chevron, a little
        # less); a digit (a 2 that looks like ≥) is narrower
        return none
    return reading, inset + x1


# What the recogniser reads a leading ≥ ≤ > < as, besides the mark itself: the figure is kept only
# when the rest of the cell, read again without it, is what follows one of these (or all of it).
LEADING_SLIPS: tuple[str, ...] = ("IV", "lV", "|V", "VI", "≥", "≤", ">", "<", "M", "#", "N", "V", "S", "s", "W",
                                  "w", "Z", "z", "2", "5")
DIGIT_SLIP_CERTAINTY = 0.7  # a leading 2 or 5 may be a digit: only a clear ≥ or ≤ (with its bar) replaces it


def join_leading(reading: MarkReading, whole: str, rest: str,
                 confidence: Optional[float]) -> tuple[str, Optional[float]]:
    """A target cell's text from its leading operator read by shape and the rest of the cell read
    again without it. The two readings must agree on the rest: the whole cell read as the rest
    alone (the recogniser dropped the glyph), or as a known slip for it followed by the rest (≥
    read as 2, ≤ as 5). Otherwise (a 3 whose shape looked like ≥) the whole reading stands. A
    slip replaced caps the confidence, so the field is reviewed."""
    whole_s, rest_s = whole.strip().replace(" ", ""), rest.strip().replace(" ", "")
    if reading.mark is None or not rest_s or not re.match(r"[\d.]", rest_s):
        return whole, confidence
    if whole_s == rest_s:
        if reading.certainty < DIGIT_SLIP_CERTAINTY or reading.mark not in ("≥", "≤"):
            return whole, confidence
        return reading.mark + rest_s, min(confidence if confidence is not None else 1.0, GUESS_CONFIDENCE)
    slip = whole_s[:-len(rest_s)].rstrip(".,·") if whole_s.endswith(rest_s) else None
    if slip is None or slip not in LEADING_SLIPS:
        return whole, confidence
    if slip.isdigit() and (reading.certainty < DIGIT_SLIP_CERTAINTY or reading.mark not in ("≥", "≤")):
        return whole, confidence
    if normalise_operator(slip) == normalise_operator(reading.mark):
        return whole_s, confidence
    return reading.mark + rest_s, min(confidence if confidence is not None else 1.0, GUESS_CONFIDENCE)
