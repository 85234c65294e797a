"""Extractors: find the performance-goal table in a source and return its grids.

Extractors are registered by name, as camelot registers its parsers. Each is a
callable ``(source, data) -> Extracted`` (the source's grids for the layout
reader; the seed's split layout as one grid per fragment and page) that raises
:class:`~jixiao.extractors.base.ExtractionError` with a message naming the file
and the problem when the source cannot be read as a filing.
"""

from __future__ import annotations

from typing import Optional

from ..model import Extracted
from .controls import clean
from .base import ExtractionError, Extractor, UnsupportedFormat, choose_extractor, unrelated_file, unsupported_file
from .docx import extract_docx, legacy_failure
from .html import extract_html
from .limits import ExtractionLimits, applied
from .sheets import extract_xls, extract_xlsx
from .ocr import extract_image
from .pages import extract_page_set
from .route import extract_pdf_routed
from .text import extract_text


EXTRACTORS: dict[str, Extractor] = {
    "text": extract_text,
    "pdf": extract_pdf_routed,  # text layer, and OCR for pages whose text layer is unusable
    "image": extract_image,  # scanned pages: OCR (extractors/ocr.py)
    "pages": extract_page_set,  # a folder "<name>.pages/" of page images: one scanned filing
    "html": extract_html,  # a saved government page: every <table> a grid (extractors/html.py)
    "xlsx": extract_xlsx,  # every sheet a grid, merged ranges as spans (extractors/sheets.py)
    "xls": extract_xls,
    "docx": extract_docx,  # every table a grid, paragraphs around as lines (extractors/docx.py)
    "legacy": lambda source, data: _raise(legacy_failure(source, _suffix(source))),  # .doc .wps .et: convert first
    "unrelated": unrelated_file,  # a stylesheet, script or page image beside the filings: listed, quiet
    "unsupported": unsupported_file,  # a format jixiao has no reader for: skipped, with the reason
}


def _suffix(source: str) -> str:
    from pathlib import Path

    return Path(source).suffix.lower()


def _raise(error: Exception):
    raise error


def extract(source: str, data: bytes, limits: Optional[ExtractionLimits] = None) -> Extracted:
    """Extract a source's grids from its bytes with the extractor its content calls for,
    under ``limits`` (see :mod:`.limits`; None: the limits already in force)."""
    with applied(limits):
        # control characters leave every format the same way: removed, counted, their cells flagged
        return clean(EXTRACTORS[choose_extractor(source, data)](source, data))


__all__ = ["EXTRACTORS", "ExtractionError", "ExtractionLimits", "UnsupportedFormat", "extract"]
