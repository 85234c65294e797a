"""Page images before OCR (issue 21): print alone on white paper, level and square (extractors/ocr_image.py).

Synthetic pages, no OCR: each test draws what a county office's scan holds (a red seal over print, a
signature in pen, yellowed paper, a page photographed at an angle on a desk) and checks what the
reader is left with.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from jixiao.extractors.grid import find_tables
from jixiao.extractors.ocr import page_dpi
from jixiao.extractors.ocr_image import print_only, rectify

PAPER = (243, 233, 200)  # yellowed
PRINT = (20, 20, 20)


def _page(paper=PAPER, size=(900, 1200)) -> np.ndarray:
    page = np.zeros((size[1], size[0], 3), np.uint8)
    page[:] = paper
    return page


def _ink(page: np.ndarray, mask: np.ndarray, colour) -> None:
    """Ink multiplied onto the page, as it lies on paper and over print."""
    tint = np.array(colour, np.float32) / 255.0
    mixed = page.astype(np.float32) * np.where(mask[:, :, None] > 0, tint, 1.0)
    page[:] = mixed.clip(0, 255).astype(np.uint8)


def _strokes(shape, boxes) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in boxes:
        mask[y0:y1, x0:x1] = 255
    return mask


def test_a_red_seal_over_print_leaves_the_print_and_no_seal():
    page = _page()
    text = _strokes(page.shape, [(300, 500 + 30 * k, 600, 506 + 30 * k) for k in range(6)])
    _ink(page, text, PRINT)
    seal = np.zeros(page.shape[:2], np.uint8)
    cv2.circle(seal, (450, 580), 140, 255, 12)
    cv2.putText(seal, "SEAL", (360, 600), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 255, 8)
    _ink(page, seal, (205, 32, 38))
    gray = print_only(page)
    assert gray[(seal > 0) & (text == 0)].mean() > 230, "the seal's ink is gone"
    assert np.percentile(gray[(seal > 0) & (text > 0)], 90) < 110, "print under the seal stays dark"
    assert gray[text > 0].mean() < 90


@pytest.mark.parametrize("ink", [(28, 38, 112), (20, 24, 58)])  # ballpoint and a blue-black gel pen
def test_a_signature_in_pen_becomes_paper(ink):
    page = _page()
    line = _strokes(page.shape, [(100, 700, 800, 704)])  # the table's bottom line
    _ink(page, line, PRINT)
    pen = np.zeros(page.shape[:2], np.uint8)
    cv2.putText(pen, "Wang", (200, 720), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 3.0, 255, 6)
    _ink(page, pen, ink)
    gray = print_only(page)
    beside = cv2.dilate(line, np.ones((9, 9), np.uint8))  # where the line is kept, pen and all
    assert (gray[(pen > 0) & (beside == 0)] < 150).mean() < 0.02, "no stroke of the signature is left as ink"
    assert np.median(gray[line > 0]) < 110, "the print it crosses stays"


def test_tinted_paper_and_falling_light_come_out_white():
    page = _page((226, 226, 222))
    ramp = np.linspace(0.8, 1.0, page.shape[1], dtype=np.float32)
    page = (page.astype(np.float32) * ramp[None, :, None]).astype(np.uint8)
    text = _strokes(page.shape, [(100, 100 + 40 * k, 800, 106 + 40 * k) for k in range(10)])
    _ink(page, text, PRINT)
    gray = print_only(page)
    assert np.percentile(gray[text == 0], 5) > 235
    assert gray[text > 0].mean() < 80


def _ruled(size=(1240, 1754), rows=8, cols=5) -> np.ndarray:
    gray = np.full((size[1], size[0]), 255, np.uint8)
    xs = np.linspace(150, 1090, cols + 1).astype(int)
    ys = np.linspace(300, 1100, rows + 1).astype(int)
    for x in xs:
        cv2.line(gray, (int(x), int(ys[0])), (int(x), int(ys[-1])), 0, 2)
    for y in ys:
        cv2.line(gray, (int(xs[0]), int(y)), (int(xs[-1]), int(y)), 0, 2)
    return gray


def test_a_photographed_table_is_squared_and_boxes_map_back():
    flat = _ruled()
    h, w = flat.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[90, 50], [w - 10, 5], [w - 95, h - 40], [10, h - 5]])
    photo = cv2.warpPerspective(flat, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255)
    rectified = rectify(photo, 150)
    assert rectified.squared
    (table,) = find_tables(rectified.gray, 150)
    assert len(table.cells) == 40
    heights = np.diff(table.ys)
    assert heights.max() - heights.min() <= 4, "rows as even as printed: the keystone is out"
    # a cell of the squared page maps back onto the photographed page: its corner where the photo has it
    corner = cv2.perspectiveTransform(np.float32([[[150, 300]]]), cv2.getPerspectiveTransform(src, dst))[0, 0]
    x0, y0, _, _ = rectified.to_points((table.xs[0], table.ys[0], table.xs[1], table.ys[1]), 72.0)
    assert abs(x0 - corner[0]) < 10 and abs(y0 - corner[1]) < 10


def test_a_square_level_table_is_not_resampled():
    flat = _ruled()
    rectified = rectify(flat, 150)
    assert not rectified.squared and rectified.skew == 0
    assert rectified.gray is flat


def test_the_desk_around_a_photographed_page_becomes_paper():
    desk = np.zeros((1300, 1000, 3), np.uint8)
    desk[:] = (70, 62, 55)
    page = _page(size=(900, 1200))
    _ink(page, _strokes(page.shape, [(100, 300, 800, 304)]), PRINT)
    desk[50:1250, 50:950] = page
    gray = print_only(desk)
    assert np.percentile(gray[:40, :], 50) > 240 and np.percentile(gray[:, :40], 50) > 240
    assert gray[352, 500] < 100, "the print on the page stays"


@pytest.mark.parametrize("stated, shape, expected", [
    (200, (2339, 1654), 200.0),  # a scanner's A4 at 200 dpi
    (72, (3508, 2480), 3508 / 11.69),  # a phone's 72 dpi: the page would be 49 inches long
    (0, (1754, 1240), 1754 / 11.69),  # none stated
])
def test_a_page_images_resolution_is_the_files_unless_it_makes_no_paper_size(stated, shape, expected):
    assert page_dpi(stated, shape) == pytest.approx(expected)
