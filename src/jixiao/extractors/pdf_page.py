"""One PDF page as pdfium draws it: its characters, its ruling lines and its clip rectangles.

Everything comes from pypdfium2 (no pdfminer parse, which is what made PDFs
slow): the characters with their boxes from FPDFText, and the ruling lines
from the page's path objects. Coordinates are PDF points with a top-left
origin, as pdfplumber gives them, so :mod:`.pdf_grid`'s helpers apply.

A character also carries its text object's clip rectangle, when the producer
clipped it (a spreadsheet export clips each cell's text to the cell): a cell's
text may run on past the cell's visible edge, and the clip says which cell it
belongs to (see :mod:`.pdf_table`). pdfium drops a clip that does not cut its
object, so a clip that is there cuts something off.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Optional

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (top-left origin)
Edge = tuple[float, float, float]  # position, start, end: y, x0, x1 (horizontal) or x, top, bottom (vertical)

THIN = 3.0  # a path object this thin (in points) is a ruling line, whatever its shape
_PATH, _TEXT, _FORM = 2, 1, 5  # FPDF_PAGEOBJ_*
_MOVETO, _LINETO = 2, 0  # FPDF_SEGMENT_*


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)  # pdfplumber's shape, plus "clip": BBox | None
    horizontal: list[Edge] = field(default_factory=list)
    vertical: list[Edge] = field(default_factory=list)


def read_page(document, index: int, *, edges: bool = True) -> PageContent:
    """The page's characters (pdfium's generated spaces and line breaks left out) and, when
    ``edges``, its horizontal and vertical ruling segments."""
    import pypdfium2.raw as raw

    page = document[index]
    try:
        width, height = page.get_width(), page.get_height()
        content = PageContent(number=index + 1, width=width, height=height)
        clipped = _clipped_text(raw, page)
        textpage = page.get_textpage()
        try:
            content.chars = _chars(raw, textpage, height, clipped)
        finally:
            textpage.close()
        if edges:
            _edges(raw, page, height, content)
    finally:
        page.close()
    return content


def _clipped_text(raw, page) -> bool:
    """Whether any text object on the page is clipped (pdfium keeps only clips that cut)."""
    for j in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, j)
        if raw.FPDFPageObj_GetType(obj) == _TEXT:
            clip = raw.FPDFPageObj_GetClipPath(obj)
            if clip and raw.FPDFClipPath_CountPaths(clip) > 0:
                return True
    return False


def _page_text(raw, textpage, count: int) -> Optional[str]:
    """All characters' text in one call, or None when it does not line up one unit per character
    (a character outside the BMP takes two)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, buffer)
    if written - 1 != count:
        return None
    text = bytes(buffer)[: 2 * count].decode("utf-16-le", errors="replace")
    return text if len(text) == count else None


def _chars(raw, textpage, height: float, clipped: bool) -> list[dict]:
    chars: list[dict] = []
    rect = raw.FS_RECTF()
    clips: dict[Optional[int], Optional[BBox]] = {None: None}
    count = raw.FPDFText_CountChars(textpage)
    text = _page_text(raw, textpage, count)
    for i in range(count):
        char = text[i] if text is not None else chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD)
        if char in "\r\n\x00" or "\ud800" <= char <= "\udfff":
            continue  # a line break, or half of a surrogate pair pdfium could not combine
        if char in " \ufffe\xa0" and raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue  # a space pdfium inferred between words: the page does not draw it
        if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
            continue
        left, right, bottom, top = rect.left, rect.right, rect.bottom, rect.top
        if top < bottom:
            top, bottom = bottom, top
        clip = None
        if clipped:
            obj = raw.FPDFText_GetTextObject(textpage, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value
            if key not in clips:
                clips[key] = _clip_box(raw, obj, height)
            clip = clips[key]
        chars.append({"text": char, "x0": left, "x1": max(right, left), "top": height - top,
                      "bottom": height - bottom, "size": max(top - bottom, 1.0), "clip": clip})
    return chars


def _clip_box(raw, obj, height: float) -> Optional[BBox]:
    """The bounding box of an object's clip (the intersection of its clip paths), or None."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    paths = raw.FPDFClipPath_CountPaths(clip)
    if paths <= 0:
        return None
    x0, y0, x1, y1 = float("-inf"), float("-inf"), float("inf"), float("inf")
    fx, fy = ctypes.c_float(), ctypes.c_float()
    for k in range(paths):
        xs, ys = [], []
        for s in range(raw.FPDFClipPath_CountPathSegments(clip, k)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, k, s)
            if segment and raw.FPDFPathSegment_GetPoint(segment, fx, fy):
                xs.append(fx.value)
                ys.append(fy.value)
        if xs:
            x0, x1 = max(x0, min(xs)), min(x1, max(xs))
            y0, y1 = max(y0, min(ys)), min(y1, max(ys))
    if x0 == float("-inf") or x1 <= x0 or y1 <= y0:
        return None
    return (x0, height - y1, x1, height - y0)


def _edges(raw, page, height: float, content: PageContent) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix = raw.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    for j in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, j)
        if raw.FPDFPageObj_GetType(obj) != _PATH:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if w <= THIN < h:  # a vertical rule (a stroked line or a thin filled rectangle)
            content.vertical.append(((left.value + right.value) / 2, height - top.value, height - bottom.value))
        elif h <= THIN < w:
            content.horizontal.append((height - (bottom.value + top.value) / 2, left.value, right.value))
        elif w > THIN and h > THIN:
            # a rectangle (a cell's box) or a path of many segments: its axis-parallel sides
            if not raw.FPDFPageObj_GetMatrix(obj, matrix):
                continue
            _path_segments(raw, obj, matrix, height, content, fx, fy)


def _path_segments(raw, obj, m, height: float, content: PageContent, fx, fy) -> None:
    points: list[tuple[float, float, int, bool]] = []
    for s in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, s)
        if not segment or not raw.FPDFPathSegment_GetPoint(segment, fx, fy):
            continue
        x, y = fx.value, fy.value
        points.append((m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f,
                       raw.FPDFPathSegment_GetType(segment), bool(raw.FPDFPathSegment_GetClose(segment))))
    start: Optional[tuple[float, float]] = None
    previous: Optional[tuple[float, float]] = None
    for x, y, kind, close in points:
        if kind == _MOVETO or previous is None:
            start = previous = (x, y)
            continue
        if kind == _LINETO:
            _add_segment(previous, (x, y), height, content)
        previous = (x, y)
        if close and start is not None:
            _add_segment(previous, start, height, content)
            previous = start


def _add_segment(a: tuple[float, float], b: tuple[float, float], height: float, content: PageContent) -> None:
    (xa, ya), (xb, yb) = a, b
    if abs(ya - yb) < 0.5 and abs(xa - xb) > 1.0:
        content.horizontal.append((height - (ya + yb) / 2, min(xa, xb), max(xa, xb)))
    elif abs(xa - xb) < 0.5 and abs(ya - yb) > 1.0:
        content.vertical.append(((xa + xb) / 2, height - max(ya, yb), height - min(ya, yb)))
