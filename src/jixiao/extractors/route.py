"""Routing a PDF page by page: the text layer where it is usable, OCR where it is not.

A disclosure can mix both: a scanned performance table bound into a PDF
whose other pages have text, or a table printed with a font that has no
Unicode map ((cid:…) glyphs). The text-layer extractor reads what it can and
marks each unusable page with the "ocr" route; this module OCRs those pages
and fills in the fragments the text layer could not give. ``Filing.pages``
says which route every page took, and the manifest repeats it.
"""

from __future__ import annotations

from ..model import ErrorCode, ErrorItem, Extracted, Filing, FragmentKind, PageRoute, Severity
from ..model.errors import ExtractionError, NeedsOcr
from .base import number_ranges
from .limits import DEFAULT_MAX_OCR_PAGES, current  # noqa: F401 (re-exported)
from .pdf import ROUTE_OCR, ROUTE_TEXT, extract_pdf, open_pdf, scan_pages


def max_ocr_pages() -> int:
    """``max_ocr_pages`` of the limits in force (``JIXIAO_MAX_OCR_PAGES``)."""
    return current().max_ocr_pages


def page_routes(source: str, data: bytes) -> dict[int, str]:
    """Per 1-based page of a PDF: "text" when its text layer is usable, else "ocr"."""
    document = open_pdf(source, data)
    try:
        pages = scan_pages(document)
    finally:
        document.close()
    return {p.number: ROUTE_TEXT if p.usable else ROUTE_OCR for p in pages}


def _ocr_routes(source: str, data: bytes) -> tuple[list[int], int]:
    """The 1-based pages whose text layer is unusable, and the page count."""
    routes = page_routes(source, data)
    return [n for n, route in routes.items() if route == ROUTE_OCR], len(routes)


def _ocr(source: str, data: bytes, pages: list[int], filing_errors: list[ErrorItem]) -> "Filing | Extracted":
    from .ocr import extract_ocr_pages
    from .pdfium_fonts import machine_fonts_shown

    cap = max_ocr_pages()
    if len(pages) > cap:
        filing_errors.append(ErrorItem(
            code=ErrorCode.OCR_PAGES_CAPPED, component="extract", severity=Severity.WARNING,
            message=f"{source}: {len(pages)} pages need OCR; only the first {cap} were read "
            f"(JIXIAO_MAX_OCR_PAGES); page(s) {number_ranges(pages[cap:])} were skipped"))
        pages = pages[:cap]
    with machine_fonts_shown():  # the pages are drawn for the recogniser: every glyph (.pdfium_fonts)
        return extract_ocr_pages(source, data, pages)


def extract_pdf_routed(source: str, data: bytes) -> "Filing | Extracted":
    """Read a PDF through its text layer, and through OCR for the pages that need it."""
    filing: "Filing | Extracted"
    try:
        filing = extract_pdf(source, data)
    except NeedsOcr as text_error:
        ocr_pages, page_count = _ocr_routes(source, data)
        warnings: list[ErrorItem] = []
        try:
            filing = _ocr(source, data, ocr_pages, warnings)
        except ExtractionError as ocr_error:
            raise ExtractionError(f"{text_error}; routed to OCR, which found no table either: "
                                  f"{ocr_error}", code=ocr_error.code) from None
        filing.errors[:0] = warnings
        ocr_set = set(ocr_pages)
        read = {p["page"]: p for p in filing.pages}
        filing.pages = [read.get(n, PageRoute(page=n, route=ROUTE_OCR if n in ocr_set else ROUTE_TEXT))
                        for n in range(1, page_count + 1)]
        return filing

    if isinstance(filing, Extracted):
        return filing  # grids of a ruled table: the layout reader reads them
    missing = [kind for kind in FragmentKind if kind not in filing.fragments]
    ocr_pages = [p["page"] for p in filing.pages if p["route"] == ROUTE_OCR]
    if not missing or not ocr_pages:
        return filing
    # Some fragments were not in the text layer: look for them on the unusable pages.
    try:
        scanned = _ocr(source, data, ocr_pages, filing.errors)
    except ExtractionError as error:
        filing.errors.append(ErrorItem(code=ErrorCode.OCR_FOUND_NOTHING, component="extract",
                                       severity=Severity.WARNING,
                                       message=f"{source}: OCR of pages {ocr_pages} found no missing "
                                       f"fragment: {error}"))
        return filing
    if isinstance(scanned, Extracted):  # a whole table on the scanned pages: no seed fragment to add
        filing.errors.append(ErrorItem(code=ErrorCode.OCR_OTHER_LAYOUT, component="extract",
                                       severity=Severity.WARNING,
                                       message=f"{source}: OCR of pages {ocr_pages} found a table of another "
                                       "layout, not the missing fragments; not read"))
        return filing
    for kind in missing:
        if kind in scanned.fragments:
            filing.fragments[kind] = scanned.fragments[kind]
    for attribute in ("department", "duties", "goals", "year"):
        if not getattr(filing, attribute) and getattr(scanned, attribute):
            setattr(filing, attribute, getattr(scanned, attribute))
    read = {p["page"]: p for p in scanned.pages}
    filing.pages = [read.get(p["page"], p) for p in filing.pages]
    filing.errors.extend(scanned.errors)
    return filing
