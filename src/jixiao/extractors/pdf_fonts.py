"""pdfminer's CID fonts, read right when a file's CIDSystemInfo is unreadable.

A CID font with a predefined CMap (``/Encoding /UniGB-UCS2-H``) and no
``/ToUnicode`` gets its characters from the character collection its
``/CIDSystemInfo`` names (``Adobe-GB1``). Some writers leave those strings in
plain text inside an *encrypted* file (reportlab does, for STSong-Light): a
conforming reader decrypts them like every other string and gets bytes, so
pdfminer finds no collection and shows every glyph as "(cid:N)". The CMap's
own name says the collection just as well (UniGB-… is defined over Adobe-GB1),
so that is what is used when the system info does not read as a name.

This is the cause of tests/test_pdf.py's encrypted-with-an-empty-password case
failing: pdfium, the fallback for "(cid:N)" pages, maps the Chinese glyphs of
that font but not "≥" (its text object comes out empty), so the operator cell
was lost. Reading the font right keeps pdfminer's characters, ≥ included.
"""

from __future__ import annotations

import contextlib
import re

# pdfminer is imported when a PDF is read, not with this module: every worker process imports the
# extractors, and its address space is capped (--memory-limit)

# Adobe's predefined CMaps, by name, to the character collection they are defined over (PDF 32000 9.7.5.2)
_COLLECTIONS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(UniGB|GB|GBK|GBKp|GBK2K|GBpc|GBT)[-A-Z]"), "Adobe-GB1"),
    (re.compile(r"^(UniCNS|B5|B5pc|ETen|ETenms|HKscs|CNS)[-A-Z0-9]"), "Adobe-CNS1"),
    (re.compile(r"^(UniJIS|83pv|90ms|90msp|90pv|Add|EUC|Ext|H$|V$|RKSJ|Hankaku|Hiragana|Katakana|NWP|WP)"),
     "Adobe-Japan1"),
    (re.compile(r"^(UniKS|KSC|KSCms|KSCpc)[-A-Z]"), "Adobe-Korea1"),
)
_NAME = re.compile(r"^[A-Za-z0-9_]+-[A-Za-z0-9_]+$")


def collection_of(cmap_name: str) -> str | None:
    """The character collection a predefined CMap is defined over, or None."""
    for pattern, collection in _COLLECTIONS:
        if pattern.match(cmap_name):
            return collection
    return None


def repair_font(font, spec) -> None:
    """Give a CID font whose system info is unreadable the collection its CMap names."""
    from pdfminer.cmapdb import CMapDB
    from pdfminer.pdffont import PDFCIDFont

    if not isinstance(font, PDFCIDFont) or font.unicode_map is not None or "ToUnicode" in spec:
        return
    if _NAME.match(font.cidcoding):
        return  # a readable collection pdfminer has no table for: nothing to infer
    with contextlib.suppress(Exception):
        collection = collection_of(PDFCIDFont._get_cmap_name(spec, False))
        if collection is not None:
            font.cidcoding = collection
            font.unicode_map = CMapDB.get_unicode_map(collection, font.vertical)


def use_repaired_fonts(pdf) -> None:
    """Make a freshly opened ``pdfplumber.PDF`` read its CID fonts with :func:`repair_font`."""
    from pdfminer.pdfinterp import PDFResourceManager

    class ResourceManager(PDFResourceManager):
        """pdfminer's resource manager, with :func:`repair_font` on every font it builds."""

        def get_font(self, objid, spec):
            font = super().get_font(objid, spec)
            repair_font(font, spec)
            return font

    pdf.rsrcmgr = ResourceManager(caching=True)
