"""One PDF page as pdfium draws it: its characters, its ruling lines and its clip rectangles.

Everything comes from pypdfium2 (no pdfminer parse, which is what made PDFs
slow): the characters with their boxes from FPDFText, and the ruling lines
from the page's path objects. Coordinates are PDF points with a top-left
origin, as pdfplumber gives them, so :mod:`.pdf_grid`'s helpers apply.

The exception is a page with text in a font the file does not embed: pdfium
would lay that out with a font of the machine (issue 20), so its characters
come from the PDF's own font data instead (:mod:`.pdf_glyphs`). The page's
fonts, not the machine's, decide which way a page is read, so every machine
reads it the same way.

A character also carries its text object's clip rectangle, when the producer
clipped it (a spreadsheet export clips each cell's text to the cell): a cell's
text may run on past the cell's visible edge, and the clip says which cell it
belongs to (see :mod:`.pdf_table`). pdfium drops a clip that does not cut its
object, so a clip that is there cuts something off.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any, Optional

from . import pdf_glyphs

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


@dataclass
class PdfFile:
    """A PDF being read: pdfium's document, and its bytes, from which :mod:`.pdf_glyphs` reads the
    text of a page whose fonts the file does not embed (opened once, when a page needs it).

    Pages that scanning the file loaded and that will be read again (they may hold the table) can
    be kept here (:meth:`keep`), so that :func:`read_page` does not parse them a second time."""

    document: Any
    data: bytes
    _glyphs: Any = None
    _kept: dict[int, Any] = field(default_factory=dict)

    KEEP = 64  # loaded pages kept at most: a page holds its parsed objects

    def keep(self, index: int, page) -> bool:
        """Keep a loaded page for :func:`read_page`; False (the caller closes it) when full."""
        if len(self._kept) >= self.KEEP or index in self._kept:
            return False
        self._kept[index] = page
        return True

    def load(self, index: int):
        """Page ``index``, kept or loaded now; the caller closes it."""
        page = self._kept.pop(index, None)
        return page if page is not None else self.document[index]

    def close(self) -> None:
        """Close the pages still kept (the document is the caller's)."""
        for page in self._kept.values():
            page.close()
        self._kept.clear()

    def glyphs(self) -> pdf_glyphs.GlyphReader:
        """PLAYA's view of the file; the error it first raised, again, when it cannot read it."""
        if self._glyphs is None:
            try:
                self._glyphs = pdf_glyphs.GlyphReader(self.data, len(self.document))
            except Exception as error:  # PLAYA raises many types on a malformed file
                self._glyphs = error
        if isinstance(self._glyphs, Exception):
            raise self._glyphs
        return self._glyphs


@dataclass
class _Objects:
    """What one pass over a page's objects found out about its text."""

    clipped: list[Any] = field(default_factory=list)  # text objects that carry a clip
    host_fonts: bool = False  # some text is in a font the file does not embed


def read_page(pdf: PdfFile, index: int, *, edges: bool = True) -> PageContent:
    """The page's characters (pdfium's generated spaces and line breaks left out) and, when
    ``edges``, its horizontal and vertical ruling segments."""
    from .pdfium_fonts import machine_fonts_hidden

    with machine_fonts_hidden():  # pdfium need not load a substitute font: see .pdfium_fonts
        return _read_page(pdf, index, edges)


def _read_page(pdf: PdfFile, index: int, edges: bool) -> PageContent:
    import pypdfium2.raw as raw

    page = pdf.load(index)
    try:
        width, height = page.get_width(), page.get_height()
        content = PageContent(number=index + 1, width=width, height=height)
        objects = _page_objects(raw, page, height, content if edges else None)
        chars = _glyph_chars(raw, pdf, index, height, objects) if objects.host_fonts else None
        if chars is None:
            textpage = page.get_textpage()
            try:
                chars = _chars(raw, textpage, height, bool(objects.clipped))
            finally:
                textpage.close()
        content.chars = chars
    finally:
        page.close()
    return content


def _page_objects(raw, page, height: float, content: Optional[PageContent]) -> _Objects:
    """One pass over the page's objects: ruling lines into ``content`` (when given), the clipped
    text objects, and whether any text (in a form XObject too) is in a font the file does not embed."""
    found = _Objects()
    embedded: dict[Optional[int], bool] = {}
    buffers = _Buffers()
    for j in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, j)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _PATH:
            if content is not None:
                _edge(raw, obj, height, content, buffers)
        elif kind == _TEXT:
            clip = raw.FPDFPageObj_GetClipPath(obj)
            if clip and raw.FPDFClipPath_CountPaths(clip) > 0:
                found.clipped.append(obj)
            if not found.host_fonts and not _embedded(raw, obj, embedded):
                found.host_fonts = True
        elif kind == _FORM and not found.host_fonts:
            found.host_fonts = _form_has_host_fonts(raw, obj, embedded, depth=0)
    return found


def _embedded(raw, text_object, cache: dict[Optional[int], bool]) -> bool:
    font = raw.FPDFTextObj_GetFont(text_object)
    key = ctypes.cast(font, ctypes.c_void_p).value
    if key not in cache:
        # a Type 3 font counts as embedded: its glyphs are content streams of the file
        cache[key] = bool(font) and bool(raw.FPDFFont_GetIsEmbedded(font))
    return cache[key]


def _form_has_host_fonts(raw, form, cache: dict[Optional[int], bool], depth: int) -> bool:
    if depth > 8:  # forms nested deeper than any producer writes: a loop in a crafted file
        return False
    for k in range(raw.FPDFFormObj_CountObjects(form)):
        obj = raw.FPDFFormObj_GetObject(form, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _TEXT and not _embedded(raw, obj, cache):
            return True
        if kind == _FORM and _form_has_host_fonts(raw, obj, cache, depth + 1):
            return True
    return False


def _glyph_chars(raw, pdf: PdfFile, index: int, height: float, objects: _Objects) -> Optional[list[dict]]:
    """The page's characters from the file's font data (:mod:`.pdf_glyphs`), each with the clip of
    its pdfium text object (found by origin); None when PLAYA cannot interpret the page (a broken
    content stream pdfium reads past): then pdfium's characters are all there is."""
    clips: dict[tuple[int, int], Optional[BBox]] = {}
    matrix = raw.FS_MATRIX()
    for obj in objects.clipped:
        if raw.FPDFPageObj_GetMatrix(obj, matrix):
            clips[pdf_glyphs.origin_key(matrix.e, matrix.f)] = _clip_box(raw, obj, height)
    try:
        return pdf_glyphs.page_chars(pdf.glyphs(), index, height, clips)
    except Exception:  # PLAYA raises many types on a malformed file; pdfium's reading stands in
        return None


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


class _Buffers:
    """ctypes out-parameters, made once a page rather than once an object."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.matrix = raw.FS_MATRIX()


def _edge(raw, obj, height: float, content: PageContent, buffers: _Buffers) -> None:
    left, bottom, right, top = buffers.left, buffers.bottom, buffers.right, buffers.top
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return
    w, h = right.value - left.value, top.value - bottom.value
    if w <= THIN < h:  # a vertical rule (a stroked line or a thin filled rectangle)
        content.vertical.append(((left.value + right.value) / 2, height - top.value, height - bottom.value))
    elif h <= THIN < w:
        content.horizontal.append((height - (bottom.value + top.value) / 2, left.value, right.value))
    elif w > THIN and h > THIN:
        # a rectangle (a cell's box) or a path of many segments: its axis-parallel sides
        if raw.FPDFPageObj_GetMatrix(obj, buffers.matrix):
            _path_segments(raw, obj, buffers.matrix, height, content, buffers.x, buffers.y)


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
