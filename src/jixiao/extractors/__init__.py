"""Extractors: find the performance-goal table in a source and return its grids.

Extractors are registered by name, as camelot registers its parsers. Each is a
callable ``(source, data) -> Extracted`` (the source's grids for the layout
reader; the seed's split layout as one grid per fragment and page) that raises
:class:`~jixiao.extractors.base.ExtractionError` with a message naming the file
and the problem when the source cannot be read as a filing.
"""

from __future__ import annotations

import importlib
from typing import Optional

from ..model import Extracted
from .controls import clean
from .base import ExtractionError, Extractor, UnsupportedFormat, choose_extractor, unrelated_file, unsupported_file
from .limits import ExtractionLimits, applied


def _on_demand(module: str, name: str) -> Extractor:
    """The extractor ``name`` of ``module``, imported when it is first called (issue 22): the OCR
    extractors pull in OpenCV and NumPy, the others their readers, and a batch of text dumps needs
    none of them; ``jixiao --version`` and a small convert start in a fraction of a second."""
    def extractor(source: str, data: bytes):
        return getattr(importlib.import_module(module, __name__), name)(source, data)

    extractor.__name__ = extractor.__qualname__ = name
    extractor.__doc__ = f"{name} of jixiao.extractors{module}, imported on first use."
    return extractor


EXTRACTORS: dict[str, Extractor] = {
    "text": _on_demand(".text", "extract_text"),
    "pdf": _on_demand(".route", "extract_pdf_routed"),  # text layer, and OCR for pages whose text layer is unusable
    "image": _on_demand(".ocr", "extract_image"),  # scanned pages: OCR (extractors/ocr.py)
    "pages": _on_demand(".pages", "extract_page_set"),  # a folder "<name>.pages/" of page images: one scanned filing
    "html": _on_demand(".html", "extract_html"),  # a saved government page: every <table> a grid (extractors/html.py)
    "xlsx": _on_demand(".sheets", "extract_xlsx"),  # every sheet a grid, merged ranges as spans (extractors/sheets.py)
    "xls": _on_demand(".sheets", "extract_xls"),
    "docx": _on_demand(".docx", "extract_docx"),  # every table a grid, paragraphs around as lines (extractors/docx.py)
    "legacy": lambda source, data: _raise(_legacy_failure(source)),  # .doc .wps .et: convert first
    "unrelated": unrelated_file,  # a stylesheet, script or page image beside the filings: listed, quiet
    "unsupported": unsupported_file,  # a format jixiao has no reader for: skipped, with the reason
}


def _legacy_failure(source: str) -> Exception:
    from .docx import legacy_failure

    return legacy_failure(source, _suffix(source))


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
