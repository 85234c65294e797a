"""Extractor for a scanned filing given as a folder of page images ("<name>.pages/")."""

from __future__ import annotations

from ..model import Extracted
from .base import unpack_page_set
from .ocr import PageImage, extract_pages, image_pages


def extract_page_set(source: str, data: bytes) -> Extracted:
    """OCR every page image of a page set, in page order, into the grids of one filing."""
    pages: list[PageImage] = []
    for name, blob in unpack_page_set(data, source):
        for page in image_pages(blob, f"{source}/{name}"):
            pages.append(PageImage(len(pages) + 1, page.gray, page.dpi))
    return extract_pages(source, data, pages)
