"""Extractors: find the performance-goal table in a source and return its fragments.

Extractors are registered by name, as camelot registers its parsers. Each is a
callable ``(source, data) -> Filing`` that raises
:class:`~jixiao.extractors.base.ExtractionError` with a message naming the file
and the problem when the source cannot be read as a filing.
"""

from __future__ import annotations

from typing import Optional

from ..model import Filing
from .base import ExtractionError, Extractor, choose_extractor
from .limits import ExtractionLimits, applied
from .ocr import extract_image
from .pages import extract_page_set
from .route import extract_pdf_routed
from .text import extract_text


EXTRACTORS: dict[str, Extractor] = {
    "text": extract_text,
    "pdf": extract_pdf_routed,  # text layer, and OCR for pages whose text layer is unusable
    "image": extract_image,  # scanned pages: OCR (extractors/ocr.py)
    "pages": extract_page_set,  # a folder "<name>.pages/" of page images: one scanned filing
}


def extract(source: str, data: bytes, limits: Optional[ExtractionLimits] = None) -> Filing:
    """Extract a filing from a source's bytes with the extractor its content calls for,
    under ``limits`` (see :mod:`.limits`; None: the limits already in force)."""
    with applied(limits):
        return EXTRACTORS[choose_extractor(source, data)](source, data)


__all__ = ["EXTRACTORS", "ExtractionError", "ExtractionLimits", "extract"]
