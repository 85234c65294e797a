"""Page images as the table reader needs them: the print alone, on white paper, level and square.

A county office's scan is not the page the filer printed (issue 21). Before any text is looked for:

- **colour separation**: a red seal (公章) stamped over cells and a signature in blue-black ink are
  coloured ink over black print. Print is dark in all three channels; seal ink is dark only in green
  and blue, pen ink in red and green. So a saturated reddish pixel is read in its red channel (the
  seal vanishes, print under it stays dark: ink multiplies) and a saturated pixel of any other hue
  (the pen) counts as paper. Neither the seal's words (…人民政府 …专用章) nor the signature reach the
  text detector.
- **flat field**: grey or yellowed paper and the light falling off across a photographed page are
  divided out (the paper is estimated by a grey-level closing of a reduced copy, which removes print
  thinner than the kernel), so the paper is white and the thresholds tuned on white paper hold.
- **deskew and dewarp**: the page is turned level (:func:`.grid.estimate_skew`: the angle whose
  rotation makes the row profile spikiest), then, when the largest ruled table's outer lines are not a
  rectangle (a page photographed at an angle), a perspective transform maps them onto one
  (:func:`square_table`). Both go into one matrix, so the page is resampled once, and
  :meth:`Rectified.to_points` maps a box back to PDF points of the page as it came.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from .grid import MAX_SKEW_DEGREES, binarize, estimate_skew

INK_LEVEL = 200  # grey levels under this are ink (print, seal or pen), over it paper
HUE_WINDOW = 7  # pixels around an ink pixel whose mean hue tells what ink it is
SEAL_RED = 30.0  # mean red over the other channels' mean above this: seal ink (print: ≤ 15)
PEN_BLUE = 12.0  # mean blue over red above this: pen ink (print: ≤ 3)
RED_INK = 0.8  # seal ink keeps about this share of the paper's red: its red channel / this is paper
PALE_EXCESS = 18.0  # a pale pixel this much redder (bluer) than its other channels is seal (pen) ink
PRINT_DARK = 110  # grey level under which a pixel in pen ink's fringe is print it crosses
RULE_PX = 41  # a dark stroke this long (or a 25th of the page's width), straight across or down: a ruling line
PAPER_SCALE = 0.25  # the paper is estimated on a copy this size
SQUARE_TOLERANCE = 0.002  # of the page's size: corners nearer their rectangle than this need no warp


# ---------------------------------------------------------------- colour separation, flat field

def print_only(image: np.ndarray) -> np.ndarray:
    """The print of a page image (RGB, or already grey) as a grayscale image on white paper."""
    image = off_the_desk(image)
    if image.ndim == 2:
        return _flat(image).astype(np.uint8)
    flat = np.stack([_flat(image[:, :, k]).astype(np.uint8) for k in range(3)], axis=2)
    return separate_colours(flat)


def off_the_desk(image: np.ndarray) -> np.ndarray:
    """A photographed page with the desk around it made paper: the page is the largest bright region
    (Otsu on a reduced copy), taken in a little so that its dark edge goes too. A scan, all paper, is
    returned as it is."""
    gray = image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if count < 2:
        return image
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[largest, :4])
    if bw * bh < 0.5 * small.size or (bw >= small.shape[1] - 2 and bh >= small.shape[0] - 2):
        return image  # no page on a desk: a scan (its paper reaches every edge), or too little paper
    contours, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    mask: np.ndarray = np.zeros(small.shape, np.uint8)
    cv2.drawContours(mask, [cv2.convexHull(max(contours, key=cv2.contourArea))], -1, 255, cv2.FILLED)
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=max(1, min(small.shape) // 120))
    outside = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST) == 0
    out = image.copy()
    out[outside] = 255
    return out


def separate_colours(rgb: np.ndarray) -> np.ndarray:
    """Grey levels of the print alone from an RGB page on white paper (uint8 in and out).

    Each ink pixel is judged by the mean hue of the ink around it (a few pixels): one pixel's
    channels say little (JPEG shifts a dark pixel's colour by as much as a dark pen's own), but over a
    stroke print is neutral, a seal red and a pen blue. Seal ink is read in its red channel, so print
    under it stays; pen ink becomes paper."""
    r, g, b = (rgb[:, :, k].astype(np.float32) for k in range(3))
    gray = 0.299 * r + 0.587 * g + 0.114 * b
    ink = (gray < INK_LEVEL).astype(np.float32)
    red, blue = r - (g + b) / 2, b - r
    # the mean hue decides for ink; a pale pixel (a stroke's edge, ink thinned by the paper) is
    # judged alone, where JPEG's shifts are small; a pixel's neighbours go with it (the fringe)
    reddish = _spread((_around(red, ink) > SEAL_RED) & (ink > 0) | (red > PALE_EXCESS) & (ink == 0))
    pen = (_around(blue, ink) > PEN_BLUE) & (blue > PEN_BLUE / 2) & (ink > 0)  # not print the pen crosses
    fringe = _spread(pen | (blue > PALE_EXCESS) & (ink == 0)) & (gray > PRINT_DARK)
    gray = np.where(reddish, np.maximum(gray, np.minimum(255.0, r / RED_INK)), gray)
    # a ruling line the pen crosses stays whatever JPEG's colour bleeding says of its pixels: the
    # grid must close where a signature runs over the table's bottom line
    gray = np.where((pen | fringe) & ~_ruled(gray, pen), 255.0, gray)
    return gray.clip(0, 255).astype(np.uint8)


def _spread(mask: np.ndarray) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def _ruled(gray: np.ndarray, pen: np.ndarray) -> np.ndarray:
    """Pixels of the table's ruling lines: long horizontal or vertical dark strokes, most of whose
    pixels are no pen ink (a signature's own long stroke is not one)."""
    dark = (gray < 160).astype(np.uint8)
    length = max(RULE_PX, gray.shape[1] // 25)
    kept = np.zeros(gray.shape, np.uint8)
    for kernel in ((length, 1), (1, length)):
        strokes = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, labels = cv2.connectedComponents(strokes, connectivity=8)
        if count < 2:
            continue
        inked = np.bincount(labels.ravel(), weights=pen.ravel().astype(np.float64), minlength=count)
        keep = inked < 0.5 * np.bincount(labels.ravel(), minlength=count)
        keep[0] = False
        kept |= keep[labels].astype(np.uint8)
    return cv2.dilate(kept, np.ones((3, 3), np.uint8)).astype(bool)


def _around(values: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The mean of ``values`` over the ink pixels of each pixel's neighbourhood."""
    size = (HUE_WINDOW, HUE_WINDOW)
    total = cv2.boxFilter(values * ink, -1, size, normalize=False)
    count = cv2.boxFilter(ink, -1, size, normalize=False)
    return np.where(count > 0, total / np.maximum(count, 1.0), 0.0)


def _flat(channel: np.ndarray) -> np.ndarray:
    """One channel divided by its paper (white 255 where there is no ink), as float32."""
    channel = channel.astype(np.float32)
    h, w = channel.shape
    small = cv2.resize(channel, (max(1, int(w * PAPER_SCALE)), max(1, int(h * PAPER_SCALE))),
                       interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((7, 7), np.uint8))  # a closing of the dark: print thinner than 28 px goes
    paper = cv2.GaussianBlur(paper, (0, 0), 3)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return (channel * (255.0 / np.maximum(paper, 32.0))).clip(0, 255)


# ---------------------------------------------------------------- deskew and dewarp

@dataclass
class Rectified:
    """A page levelled and squared: the image, the matrix that took the original there, the skew."""

    gray: np.ndarray
    matrix: np.ndarray  # 3x3: original pixel → rectified pixel
    skew: float
    squared: bool  # a perspective was taken out

    def to_points(self, bbox: tuple[float, float, float, float], dpi: float) -> tuple[float, float, float, float]:
        """A box of the rectified image as PDF points (1/72 in) of the original page, top-left origin."""
        x0, y0, x1, y1 = bbox
        corners = np.array([[[x0, y0]], [[x1, y0]], [[x0, y1]], [[x1, y1]]], dtype=np.float64)
        mapped = cv2.perspectiveTransform(corners, np.linalg.inv(self.matrix))[:, 0, :]
        scale = 72.0 / dpi
        return (round(float(mapped[:, 0].min()) * scale, 2), round(float(mapped[:, 1].min()) * scale, 2),
                round(float(mapped[:, 0].max()) * scale, 2), round(float(mapped[:, 1].max()) * scale, 2))


def rectify(gray: np.ndarray, dpi: float) -> Rectified:
    """Level the page (skew ≤ MAX_SKEW_DEGREES) and, when its largest ruled table is not square, take
    the perspective out; one resampling of the original."""
    angle = estimate_skew(gray, max_degrees=MAX_SKEW_DEGREES)
    h, w = gray.shape[:2]
    turn = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), [0.0, 0.0, 1.0]])
    level = _warp(gray, turn) if abs(angle) >= 0.02 else gray
    square = square_table(level, dpi)
    if square is None:
        return Rectified(level, turn, angle, False)
    matrix = square @ turn
    return Rectified(_warp(gray, matrix), matrix, angle, True)


def _warp(gray: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    h, w = gray.shape[:2]
    return cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def table_corners(gray: np.ndarray, dpi: float) -> Optional[np.ndarray]:
    """The four corners (top-left, top-right, bottom-right, bottom-left) of the largest ruled table's
    outer lines, or None when no ruling encloses a large enough quadrilateral."""
    binary = binarize(gray)
    pt = dpi / 72.0
    length = max(15, int(20 * pt))
    lines = cv2.bitwise_or(
        cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))),
        cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))))
    lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    if cv2.contourArea(outline) < 0.05 * gray.shape[0] * gray.shape[1]:
        return None
    quad = cv2.approxPolyDP(cv2.convexHull(outline), 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4:
        return None
    return _ordered(quad.reshape(4, 2).astype(np.float32))


def _ordered(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    total, diff = points.sum(axis=1), np.diff(points, axis=1)[:, 0]
    return np.array([points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)],
                     points[np.argmax(diff)]], dtype=np.float32)


def square_table(gray: np.ndarray, dpi: float) -> Optional[np.ndarray]:
    """The perspective transform that maps the largest table's outer lines onto a rectangle (of the
    mean width and height, at its top-left corner), or None when they already are one."""
    corners = table_corners(gray, dpi)
    if corners is None:
        return None
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    x0, y0 = float((tl[0] + bl[0]) / 2), float((tl[1] + tr[1]) / 2)
    target = np.array([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]], dtype=np.float32)
    if np.abs(corners - target).max() <= SQUARE_TOLERANCE * max(gray.shape):
        return None
    return cv2.getPerspectiveTransform(corners, target)
