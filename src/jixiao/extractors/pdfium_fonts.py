"""pdfium reads a text layer without the machine's fonts (issue 22).

Issue 20 made every answer independent of the machine's fonts: the characters of
a page whose fonts the PDF does not embed come from the file's own font data
(:mod:`.pdf_glyphs`), and ``make test-without-fonts`` reads every PDF with the
font folders hidden. pdfium still looked for a substitute for each such font
in the machine's folders, and loaded it (a CJK font of many megabytes) for every
document: about 10 ms a document and 2 ms a page, to lay out glyphs nobody reads.

While :func:`machine_fonts_hidden` is in force, pdfium is told of no installed
font (its system font lookup lists none, as on a machine without fonts, which is
what ``make test-without-fonts`` reads with), and it falls back on its built-in
fonts. On leaving, the machine's fonts are shown again, so that rendering for
people (the review app's crops) and for OCR draws every glyph. pdfium's font
settings are one per process: entering and leaving are serialised by a lock that
:func:`machine_fonts_shown` (for rendering) takes too.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from typing import Any, Iterator, Optional

_LOCK = threading.RLock()


class _FontInfo:
    """A system font lookup for pdfium: pdfium's own default, with its font list listed
    (``hide=False``) or never listed (``hide=True``: no installed font). Kept for the life of the
    process (pdfium is handed it again and again; its release callback does nothing)."""

    def __init__(self, hide: bool):
        import pypdfium2.raw as raw

        self.inner = raw.FPDF_GetDefaultSystemFontInfo()
        inner = self.inner.contents
        self.struct = raw.FPDF_SYSFONTINFO()
        self.struct.version = inner.version
        types = dict(raw.FPDF_SYSFONTINFO._fields_)
        self._callbacks: list[Any] = []  # ctypes callbacks must outlive pdfium's use of them
        self._set(types, "Release", lambda this: None)
        if hide:
            self._set(types, "EnumFonts", lambda this, mapper: None)  # the installed fonts are never listed
        else:
            self._delegate(types, "EnumFonts", inner)
        for name in ("MapFont", "GetFont", "GetFontData", "GetFaceName", "GetFontCharset", "DeleteFont"):
            self._delegate(types, name, inner)

    def _set(self, types: dict, name: str, function: Any) -> None:
        callback = types[name](function)
        self._callbacks.append(callback)
        setattr(self.struct, name, callback)

    def _delegate(self, types: dict, name: str, inner: Any) -> None:
        call, pointer = getattr(inner, name), self.inner
        self._set(types, name, lambda this, *arguments: call(pointer, *arguments))

    def install(self) -> None:
        import pypdfium2.raw as raw

        raw.FPDF_SetSystemFontInfo(ctypes.byref(self.struct))


_INFOS: dict[bool, _FontInfo] = {}
_depth = 0


def _info(hide: bool) -> _FontInfo:
    if hide not in _INFOS:
        _INFOS[hide] = _FontInfo(hide)
    return _INFOS[hide]


@contextlib.contextmanager
def machine_fonts_hidden() -> Iterator[None]:
    """pdfium sees no installed font inside the block (re-entrant; other threads wait)."""
    global _depth
    with _LOCK:
        if _depth == 0:
            _info(hide=True).install()
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                _info(hide=False).install()


@contextlib.contextmanager
def machine_fonts_shown() -> Iterator[None]:
    """For rendering a page people (or OCR) look at: every glyph drawn with the machine's fonts.
    Waits for another thread's reading to end; inside a reading of this thread, shows them for the
    block and hides them again after."""
    global _depth
    with _LOCK:
        hidden: Optional[int] = _depth if _depth else None
        if hidden is not None:
            _info(hide=False).install()
            _depth = 0
        try:
            yield
        finally:
            if hidden is not None:
                _depth = hidden
                _info(hide=True).install()
