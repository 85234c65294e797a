"""Shape classification of the one-glyph marks (≥ ≤ > < = /) in operator, target and unit cells.

Synthetic cells are drawn with OpenCV lines (no font), at the sizes a 10.5 pt
glyph has at 150-300 DPI, with scanner specks; real cells are cut from the
committed scans by the grid alone (no OCR run), and checked against the truth.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from jixiao.extractors.grid import estimate_skew, find_tables, rotate
from jixiao.extractors.ocr import image_pages, pdf_pages
from jixiao.extractors.ocr_marks import MarkReading, classify_mark, merge_mark
from jixiao.extractors.ocr_fixes import GUESS_CONFIDENCE

from helpers import ROOT

SCANNED = ROOT / "samples" / "scanned"


def _cell(draw, *, em: int, seed: int = 0, specks: int = 6, width: float = 8.0) -> np.ndarray:
    """A ruled cell (em-high glyph box at the left, like the filings) with `draw(img, x, y, em, t)`
    drawing the glyph, a little blur and a few specks of scanner noise."""
    h, w = int(em * 1.7), int(em * width)
    img = np.full((h, w), 255, np.uint8)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), 0, max(1, em // 12))
    thickness = max(1, round(em / 12))
    draw(img, em // 2, (h - em) // 2, em, thickness)
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    rng = np.random.default_rng(seed)
    for _ in range(specks):
        y, x = rng.integers(3, h - 3), rng.integers(3, w - 3)
        img[y, x] = min(img[y, x], 90)
    noise = rng.normal(0, 5, img.shape)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _chevron(apex_right: bool, bar: bool):
    def draw(img, x, y, em, t):
        x0, x1 = x + em // 8, x + em - em // 8
        top, mid, bottom = y + em // 8, y + (em * 7 // 16 if bar else em // 2), y + (em * 3 // 4 if bar else em * 7 // 8)
        tip, back = (x1, x0) if apex_right else (x0, x1)
        cv2.line(img, (back, top), (tip, mid), 0, t, cv2.LINE_AA)
        cv2.line(img, (tip, mid), (back, bottom), 0, t, cv2.LINE_AA)
        if bar:
            cv2.line(img, (x0, y + em * 15 // 16), (x1, y + em * 15 // 16), 0, t, cv2.LINE_AA)
    return draw


def _slanted(apex_right: bool):
    """≥ ≤ as AR PL UMing draws them (⩾ ⩽): the bar parallel to the chevron's lower arm (issue 21)."""
    def draw(img, x, y, em, t):
        x0, x1 = x + em // 8, x + em - em // 8
        tip, back = (x1, x0) if apex_right else (x0, x1)
        cv2.line(img, (back, y), (tip, y + em * 3 // 8), 0, t, cv2.LINE_AA)
        cv2.line(img, (tip, y + em * 3 // 8), (back, y + em * 3 // 4), 0, t, cv2.LINE_AA)
        cv2.line(img, (tip, y + em * 5 // 8), (back, y + em), 0, t, cv2.LINE_AA)
    return draw


def _equals(img, x, y, em, t):
    for yy in (y + em * 3 // 8, y + em * 5 // 8):
        cv2.line(img, (x + em // 8, yy), (x + em - em // 8, yy), 0, t, cv2.LINE_AA)


def _slash(img, x, y, em, t):
    cv2.line(img, (x + em * 5 // 8, y), (x + em // 8, y + em), 0, t, cv2.LINE_AA)


def _one(img, x, y, em, t):  # the digit 1: upright, with a flag: not a "/"
    cv2.line(img, (x + em // 3, y + em), (x + em // 3, y), 0, t, cv2.LINE_AA)
    cv2.line(img, (x + em // 3, y), (x + em // 8, y + em // 5), 0, t, cv2.LINE_AA)


def _seven(img, x, y, em, t):  # the digit 7: a bar, then a stroke down to the left: not a "/"
    cv2.line(img, (x + em // 8, y + em // 10), (x + em * 5 // 8, y + em // 10), 0, t, cv2.LINE_AA)
    cv2.line(img, (x + em * 5 // 8, y + em // 10), (x + em // 4, y + em), 0, t, cv2.LINE_AA)


def _two_ideographs(img, x, y, em, t):  # box-and-stroke figures standing in for 定性
    for k in range(2):
        x0 = x + k * em
        cv2.rectangle(img, (x0 + 2, y + 2), (x0 + em - 3, y + em // 2), 0, t)
        cv2.line(img, (x0 + em // 2, y), (x0 + em // 2, y + em), 0, t)
        cv2.line(img, (x0 + 1, y + em * 3 // 4), (x0 + em - 2, y + em * 3 // 4), 0, t)
        cv2.line(img, (x0 + 3, y + em - 2), (x0 + em // 3, y + em * 3 // 5), 0, t)


def _blank(img, x, y, em, t):
    pass


GLYPHS = [(_chevron(True, True), "≥"), (_chevron(False, True), "≤"), (_chevron(True, False), ">"),
          (_chevron(False, False), "<"), (_slanted(True), "≥"), (_slanted(False), "≤"), (_equals, "="), (_slash, "/"), (_blank, ""),
          (_two_ideographs, None), (_one, None), (_seven, None)]


@pytest.mark.parametrize("em", [22, 29, 44])  # a 10.5 pt glyph at 150, 200 and 300 DPI
@pytest.mark.parametrize("draw, expected", GLYPHS, ids=[d.__name__.strip("_") if e is None else e or "blank" for d, e in GLYPHS])
def test_drawn_marks_are_classified_by_shape(draw, expected, em):
    for seed in range(3):
        reading = classify_mark(_cell(draw, em=em, seed=seed), line_px=max(2.0, em / 12))
        assert reading.mark == expected, (seed, reading)
        if expected is not None:
            assert reading.certainty >= 0.5, (seed, reading)


def test_a_speck_alone_is_a_blank_cell():
    reading = classify_mark(_cell(_blank, em=29, specks=25, seed=4))
    assert reading.mark == ""


# ------------------------------------------------------------------ cells of the committed scans

def _body_cells(page, rows: int, from_right: int) -> list[np.ndarray]:
    """Crops of one column (counted from the right: merged 一级/二级指标 cells make rows
    ragged on the left) of the last `rows` rows of the page's largest table (grid only, no OCR)."""
    gray = rotate(page.gray, estimate_skew(page.gray))
    table = max(find_tables(gray, page.dpi), key=lambda t: (t.xs[-1] - t.xs[0]) * (t.ys[-1] - t.ys[0]))
    column = len(table.xs) - 1 - from_right
    crops = []
    for row in table.rows()[-rows:]:
        (cell,) = [c for c in row if c.col == column]
        x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
        crops.append(gray[y0:y1, x0:x1])
    return crops


def _want(text: str) -> str:
    return {"＝": "=", "＞": ">", "＜": "<"}.get(text, text)


@pytest.mark.parametrize("case, page, first, count", [
    ("changde-shengtai-2023", 1, 0, 16),   # a PNG page at 200 DPI
    ("beihu-shijian-2023", 2, 0, 9),       # a PDF scanned at 150 DPI, rendered at 200
    ("changde-shengtai-2022", 2, 0, 15),   # a PDF scanned at 180 DPI, full-width ＝
])
def test_marks_in_committed_scans(case, page, first, count):
    truth = json.loads((SCANNED / f"{case}.truth.json").read_text(encoding="utf-8"))
    entry = next(c for c in json.loads((SCANNED / "manifest.json").read_text(encoding="utf-8"))["cases"]
                 if c["id"] == case)
    if entry["format"] == "pdf":
        data = (SCANNED / entry["files"][0]).read_bytes()
        (image,) = pdf_pages(data, case, [page])
    else:
        name = entry["files"][page - 1]
        (image,) = image_pages((SCANNED / name).read_bytes(), name)
    rows = truth["garbled"]["rows"][first:first + count]
    line_px = max(2.0, 1.2 * image.dpi / 72)
    for column, name in ((3, "operator"), (2, "target"), (1, "unit")):
        for k, crop in enumerate(_body_cells(image, count, column)):
            want = _want(rows[k][name])
            reading = classify_mark(crop, line_px=line_px)
            if name == "operator" and want not in ("定性", "定量"):
                assert (reading.mark, reading.certainty >= 0.5) == (want, True), (name, k, want, reading)
            elif want in ("/", ""):
                assert reading.mark == want and reading.certainty >= 0.5, (name, k, want, reading)
            else:  # words and numbers are the recogniser's
                assert reading.mark is None or reading.certainty < 0.5, (name, k, want, reading)


# ------------------------------------------------------------------ shape and OCR together

def test_merge_agreement_keeps_the_reading_and_raises_confidence():
    assert merge_mark("operator", MarkReading("≥", 0.9), "≥", 0.3) == ("≥", 0.9)
    assert merge_mark("operator", MarkReading("=", 0.9), "＝", 0.95) == ("＝", 0.95)


def test_merge_disagreement_takes_the_shape_and_flags_it():
    text, confidence = merge_mark("operator", MarkReading("≥", 0.9), "M", 0.4)
    assert text == "≥" and confidence <= GUESS_CONFIDENCE
    text, confidence = merge_mark("operator", MarkReading("≤", 0.9), "=", 0.95)
    assert text == "≤" and confidence <= GUESS_CONFIDENCE


def test_merge_unsure_or_text_keeps_the_ocr_reading():
    assert merge_mark("operator", MarkReading("≥", 0.3), "M", 0.4) == ("M", 0.4)
    assert merge_mark("operator", MarkReading(None, 0.9), "定性", 0.99) == ("定性", 0.99)


def test_merge_in_value_columns_decides_only_blank_and_slash():
    text, confidence = merge_mark("unit", MarkReading("/", 0.9), "1.", 0.7)
    assert text == "/" and confidence <= GUESS_CONFIDENCE
    assert merge_mark("target", MarkReading("<", 0.9), "100", 0.99) == ("100", 0.99)
    text, confidence = merge_mark("score", MarkReading("", 0.9), "1", 0.9)
    assert text == "1" and confidence <= GUESS_CONFIDENCE  # the recogniser saw ink the shape did not


@pytest.mark.parametrize("em", [22, 29, 44])
@pytest.mark.parametrize("apex_right, bar, expected", [(True, "slanted", "≥"), (False, "slanted", "≤"),
                                                       (True, "flat", "≥"), (True, None, ">")])
def test_a_target_s_leading_operator_is_read_by_its_shape(apex_right, bar, expected, em):
    """``≥98`` in one cell: the leading glyph by its shape, whether its bar runs across or, as some
    fonts draw it (⩾ ⩽), parallel to the lower arm (issue 21: AR PL UMing's ≥ read as >)."""
    from jixiao.extractors.ocr_marks import leading_mark

    glyph = _slanted(apex_right) if bar == "slanted" else _chevron(apex_right, bar == "flat")

    def draw(img, x, y, em, t):
        glyph(img, x, y, em, t)
        cv2.putText(img, "98", (x + em + em // 4, y + em), cv2.FONT_HERSHEY_SIMPLEX, em / 30, 0, t, cv2.LINE_AA)

    for seed in range(3):
        reading, cut = leading_mark(_cell(draw, em=em, seed=seed, specks=0), line_px=max(2.0, em / 12))
        assert reading.mark == expected, (seed, reading)
        assert em // 2 < cut <= em // 2 + em + em // 4, (seed, cut)
