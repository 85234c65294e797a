"""Extractor for a scanned filing given as a folder of page images ("<name>.pages/")."""

from __future__ import annotations

from typing import Union

from ..model import Extracted, Filing
from .base import unpack_page_set
from .ocr import PageImage, extract_pages, image_pages


def extract_page_set(source: str, data: bytes) -> Union[Filing, Extracted]:
    """OCR every page image of a page set, in page order, into one Filing."""
    pages: list[PageImage] = []
    for name, blob in unpack_page_set(data, source):
        for page in image_pages(blob, f"{source}/{name}"):
            pages.append(PageImage(len(pages) + 1, page.gray, page.dpi))
    return extract_pages(source, data, pages)
