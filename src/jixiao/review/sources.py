"""What a clerk sees of the source: a PDF crop around the cell, or the dump's lines.

Sources are never named by the browser: the app looks an item up by id and
takes the path from the batch's own provenance, and only paths the batch lists
are opened. That leaves no path for a request to traverse.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Sequence

from ..extractors.text import decode
from ..model import Provenance
from ..model.errors import ErrorCode, JixiaoError
from ..pipeline.inputs import path_of

CROP_MARGIN = 36.0  # PDF points around the cell: half an inch of the table around it
CROP_SCALE = 2.0  # 144 dpi: small print stays legible at 1366×768


class SourceError(JixiaoError):
    """The source cannot be shown (missing, unreadable, or no position recorded)."""

    default_code = ErrorCode.SOURCE_UNAVAILABLE


def resolve(source: str, roots: Sequence[Path]) -> Path:
    """The file a batch's ``source`` names, found under one of ``roots`` and never outside them.

    Even a tampered review.jsonl cannot make the server read a file outside
    the folders it was told about (``..`` and symlinks are resolved first).
    """
    bases = [Path(r).resolve() for r in roots]
    for base in bases:
        # ``source`` is the batch's printable name (bad\xff.txt): path_of gives the file system's name back
        candidate = (base / path_of(source)).resolve()  # an absolute ``source`` replaces ``base``
        if candidate.is_file() and any(candidate.is_relative_to(b) for b in bases):
            return candidate
    raise SourceError(f"{source}: source file not found under {', '.join(str(b) for b in bases)}")


def render_crop(pdf: Path, page: int, bbox: Sequence[float], *, margin: float = CROP_MARGIN,
                scale: float = CROP_SCALE) -> bytes:
    """PNG of ``page`` (1-based) around ``bbox`` (x0, top, x1, bottom in points, top-left origin).

    The cell itself is outlined, so the clerk's eye lands on it at once.
    """
    from ..extractors.pdfium_fonts import machine_fonts_shown

    with machine_fonts_shown():  # drawn for a clerk: every glyph, even while another thread reads a PDF
        return _crop(pdf, page, bbox, scale, margin)


def _crop(pdf, page: int, bbox, scale: float, margin: float) -> bytes:
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    x0, top, x1, bottom = (float(v) for v in bbox)
    document = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= page <= len(document):
            raise SourceError(f"{pdf}: has {len(document)} page(s), no page {page}")
        handle = document[page - 1]
        width, height = handle.get_size()
        left, right = max(0.0, x0 - margin), min(width, x1 + margin)
        upper, lower = max(0.0, top - margin), min(height, bottom + margin)
        if right <= left or lower <= upper:
            raise SourceError(f"{pdf}: page {page}: bbox {tuple(bbox)} lies outside the page")
        # pdfium crops by the amount cut off each side, measured from a bottom-left origin
        bitmap = handle.render(scale=scale, crop=(left, height - lower, width - right, upper))
        image = bitmap.to_pil().convert("RGB")
        draw = ImageDraw.Draw(image)
        draw.rectangle([(x0 - left) * scale, (top - upper) * scale, (x1 - left) * scale, (bottom - upper) * scale],
                       outline=(220, 38, 38), width=3)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


class TextCache:
    """Decoded text dumps, each read once: six clerks' requests on a 200 MB source read it once.

    At most ``size`` sources are kept (least recently used goes first); a lock per
    path makes concurrent requests for one source wait for the first read.
    """

    def __init__(self, size: int = 4):
        self.size = size
        self._lines: OrderedDict[Path, tuple[list[str], str]] = OrderedDict()
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()
        self.reads = 0

    def lines(self, path: Path) -> tuple[list[str], str]:
        with self._guard:
            lock = self._locks.setdefault(path, threading.Lock())
        with lock:
            with self._guard:
                if path in self._lines:
                    self._lines.move_to_end(path)
                    return self._lines[path]
            text, encoding = decode(path.read_bytes(), str(path))
            self.reads += 1
            entry = (text.splitlines(), encoding)
            with self._guard:
                self._lines[path] = entry
                while len(self._lines) > self.size:
                    self._lines.popitem(last=False)
            return entry


def text_context(path: Path, line: int, *, around: int = 3, cache: Optional[TextCache] = None) -> dict:
    """The dump's line ``line`` (1-based) with ``around`` lines either side."""
    if cache is not None:
        lines, encoding = cache.lines(path)
    else:
        text, encoding = decode(path.read_bytes(), str(path))
        lines = text.splitlines()
    if not 1 <= line <= len(lines):
        raise SourceError(f"{path}: has {len(lines)} line(s), no line {line}")
    first, last = max(1, line - around), min(len(lines), line + around)
    return {"encoding": encoding, "line": line,
            "lines": [{"number": n, "text": lines[n - 1], "current": n == line} for n in range(first, last + 1)]}


def kind_of(provenance: Optional[Provenance]) -> Optional[str]:
    """``crop`` when a page and bbox are known, ``text`` when a line is, else None."""
    if provenance is None:
        return None
    if provenance.page is not None and provenance.bbox is not None:
        return "crop"
    if provenance.line is not None:
        return "text"
    return None
