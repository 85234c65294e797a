"""A page's characters from the PDF's own font data, where the file does not embed its fonts.

Issue 20: pdfium draws a font that a PDF names but does not embed (STSong-Light
as reportlab writes it, SimSun in many budget-system exports) with whatever
font the machine substitutes. Its character boxes then come from that font's
glyphs, and a text object whose substitute glyphs are empty (a one-character
cell such as 件 or ≥ on a machine without a CJK font) is left out of its text
page altogether. The same PDF read differently on two machines.

So the text of a page that uses such a font is read here with PLAYA (a
pdfminer descendant that interprets the content stream; it never loads a
system font): each character's origin and advance come from the font
dictionary (``/W`` or ``/Widths``, ``/DW``, the font matrix of a Type 3 font)
and the text state (font size, text and graphics matrices, horizontal
scaling, rise); its height is the em box, 0.88 em above the baseline and 0.12
below, where a CJK ideograph's design box lies. A font descriptor's
``/Ascent`` is not used: Adobe's STSong declares 0.752 em although its
ideographs reach 0.88, and a descriptor may be missing or hold zeros. Pages
whose fonts are all embedded keep pdfium's characters (:mod:`.pdf_page`): every
box there comes from a font program the file holds.

Like pdfium's text page, a text object drawn again over itself (the same
codes, shifted by less than a glyph: "fake bold") is read once.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from typing import NamedTuple, Optional

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (top-left origin)

EM_TOP, EM_BOTTOM = 0.88, -0.12  # the em box around the baseline, in em
FALLBACK_WIDE, FALLBACK_NARROW = 1.0, 0.5  # em, for a glyph whose font gives no usable width
_REPEAT_LOOKBACK = 5  # text objects back that pdfium compares for a repeated draw


class GlyphReader:
    """PLAYA's view of one file: its objects are read lazily, when a page asks for them."""

    def __init__(self, data: bytes, page_count: int):
        from playa.document import Document

        # "default" device space is PDF user space, as pdfium's coordinates are
        self.document = Document(data, space="default")
        self.page_count = page_count
        self._pages: Optional[list] = None

    def page(self, index: int):
        """Page ``index`` (0-based, in pdfium's order).

        The pages are made here rather than by PLAYA's page list, which makes every page at once
        and fails them all for one page attribute of the wrong type (a /Rotate keyword, found by
        fuzz/fuzz_extract.py); the device space ignores /Rotate anyway. A page tree PLAYA walks to
        another number of pages than pdfium did is not trusted: ValueError."""
        if self._pages is None:
            from playa.page import Page

            pages = []
            for number, (objid, attrs) in enumerate(self.document.pages.page_objects):
                attrs = {k: v for k, v in attrs.items() if k != "Rotate"}
                pages.append(Page(self.document, objid, attrs, None, number, "default"))
            self._pages = pages
        if len(self._pages) != self.page_count:
            raise ValueError(f"PLAYA finds {len(self._pages)} pages where pdfium finds {self.page_count}")
        return self._pages[index]


class _Run(NamedTuple):
    """One text object: its characters, and what tells a repeated draw of it."""

    chars: list[dict]
    codes: tuple[int, ...]
    origin: tuple[float, float]  # the first glyph's, in device space
    last_width: float  # the last glyph's advance, in points
    em: float  # the font size on the page, in points
    font: str
    size: float  # the font size of the text state


def page_chars(reader: GlyphReader, index: int, height: float,
               clips: dict[tuple[int, int], Optional[BBox]]) -> list[dict]:
    """The characters of page ``index`` in :mod:`.pdf_page`'s shape (top-left origin).

    ``clips`` maps a text object's origin (:func:`origin_key`) to its clip rectangle, for a page
    whose text is clipped; a character of an object not in it has no clip."""
    from playa.content import TextObject

    chars: list[dict] = []
    recent: deque = deque(maxlen=_REPEAT_LOOKBACK)
    for text in reader.page(index).flatten(TextObject, _text_operators()):
        run = _run(text, height)
        if run is None:
            continue
        repeated = any(_repeats(run, earlier) for earlier in recent)
        recent.append(run)
        if repeated:
            continue
        if clips:
            clip = clips.get(origin_key(*run.origin))
            for char in run.chars:
                char["clip"] = clip
        chars.extend(run.chars)
    return chars


def origin_key(x: float, y: float) -> tuple[int, int]:
    """A text object's origin rounded to 1/100 pt, to find pdfium's object for PLAYA's."""
    return round(x * 100), round(y * 100)


# The operators that move text or the text state, set the matrices, or open a form: every other one
# (paths, colours, images: most of a table page's content stream) is skipped without being run.
TEXT_OPERATORS = ("q", "Q", "cm", "gs", "BT", "ET", "Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts", "Td", "TD", "Tm",
                  "T*", "Tj", "TJ", "'", '"', "Do")
_keywords: Optional[frozenset] = None


def _text_operators() -> frozenset:
    global _keywords
    if _keywords is None:
        from playa.pdftypes import PSKeyword  # interned: one object per name

        _keywords = frozenset(PSKeyword(name.encode()) for name in TEXT_OPERATORS)
    return _keywords


def _run(text, height: float) -> Optional[_Run]:
    """A text object's characters, laid out as PDF 32000 9.4.4 says: the pen moves by each glyph's
    width in the font (times the font size and the horizontal scaling) plus the character spacing,
    and the word spacing after a single-byte code 32; a number in a TJ array moves it back by
    thousandths of the font size. None for an object with no glyph."""
    state = text.gstate
    font = state.font
    if font is None:
        return None
    if font.vertical:
        return _vertical_run(text, height)
    a, b, c, d, x0, y0 = text.matrix  # the first glyph's text rendering matrix: em-scaled axes, origin
    scale = state.fontsize * state.scaling * 0.01  # text space units per em along the baseline
    spacing, word = state.charspace * state.scaling * 0.01, state.wordspace * state.scaling * 0.01
    if font.multibyte:
        word = 0.0
    em = (c * c + d * d) ** 0.5
    upright = b == 0.0 and c == 0.0 and a > 0.0 and d > 0.0  # most text: no rotation, no mirror
    chars, codes = [], []
    pen = 0.0  # text space units along the baseline from the first glyph's origin
    width = 0.0
    hdisp, size = font.hdisp, max(em, 1.0)
    for item in text.args:
        if isinstance(item, (int, float)):
            pen -= item * 0.001 * scale
            continue
        for code, char in font.decode(item):
            advance = hdisp(code)
            codes.append(code)
            char = char or "\ufffd"  # no Unicode for the glyph: the text layer is judged by it
            width = _width(advance, char)
            if char not in _SKIPPED:
                u = pen / scale if scale else 0.0
                if upright:
                    x = x0 + u * a
                    chars.append({"text": char, "x0": x, "x1": x + width * a, "top": height - (y0 + EM_TOP * d),
                                  "bottom": height - (y0 + EM_BOTTOM * d), "size": size, "clip": None})
                else:
                    chars.append(_box(char, x0 + u * a, y0 + u * b, width, (a, b, c, d), height, em))
            pen += advance * scale + spacing + (word if code == 32 else 0.0)
    if not codes:
        return None
    if getattr(text, "_next_glyph_offset", 0) is None:
        # where the next text object starts, which PLAYA would otherwise work out by decoding the
        # strings again (its own glyph iterator records it the same way)
        text._next_glyph_offset = (text._glyph_offset[0] + pen, text._glyph_offset[1])
    return _Run(chars, tuple(codes), (x0, y0), width * (a * a + b * b) ** 0.5, em, font.fontname, state.fontsize)


_SKIPPED = frozenset(("\r", "\n", "\x00"))


def _box(char: str, x: float, y: float, width: float, axes: tuple[float, float, float, float],
         height: float, em: float) -> dict:
    """A character in :mod:`.pdf_page`'s shape: the box from its origin along the baseline over its
    advance (``width`` em) and across the em box, top-left origin."""
    a, b, c, d = axes
    xs = (x + EM_BOTTOM * c, x + EM_TOP * c, x + width * a + EM_BOTTOM * c, x + width * a + EM_TOP * c)
    ys = (y + EM_BOTTOM * d, y + EM_TOP * d, y + width * b + EM_BOTTOM * d, y + width * b + EM_TOP * d)
    return {"text": char, "x0": min(xs), "x1": max(xs), "top": height - max(ys), "bottom": height - min(ys),
            "size": max(em, 1.0), "clip": None}


def _vertical_run(text, height: float) -> Optional[_Run]:
    """A vertical font's characters, as PLAYA lays them out (its glyph objects carry the matrices):
    the advance runs down the y axis, the em box across the x axis."""
    chars, codes = [], []
    width = em = 0.0
    origin: Optional[tuple[float, float]] = None
    for glyph in text:
        a, b, c, d, x, y = glyph.matrix
        char = glyph.text or "\ufffd"
        width, em = _width(glyph.font.vdisp(glyph.cid), char), (a * a + b * b) ** 0.5
        origin = origin or (x, y)
        codes.append(glyph.cid)
        if char not in _SKIPPED:
            chars.append(_box(char, x, y, width, (-c, -d, a, b), height, em))
    if origin is None:
        return None
    return _Run(chars, tuple(codes), origin, width * em, em, text.gstate.font.fontname, text.gstate.fontsize)


def _width(width: float, char: str) -> float:
    """A glyph's width in em: the font's, or an em (a half for a narrow character) when the font
    gives none a glyph can have (zero or absurd: a broken /W)."""
    width = abs(width)
    if 0.0 < width <= 4.0 or (width == 0.0 and char.isspace()):
        return width
    return FALLBACK_WIDE if unicodedata.east_asian_width(char[0]) in "WF" else FALLBACK_NARROW


def _repeats(run: _Run, earlier: _Run) -> bool:
    """pdfium's test for a text object drawn again over an earlier one (``IsSameTextObject``): the
    same codes in the same font and size, shifted by at most 0.9 of the last glyph across and 1/8
    em up or down."""
    if run.codes != earlier.codes or run.font != earlier.font or run.size != earlier.size:
        return False
    return (abs(run.origin[0] - earlier.origin[0]) <= 0.9 * earlier.last_width
            and abs(run.origin[1] - earlier.origin[1]) <= earlier.em / 8)
