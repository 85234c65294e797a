"""Routing a PDF page by page: the text layer where it is usable, OCR where it is not.

A disclosure can mix both: a scanned performance table bound into a PDF
whose other pages have text, or a table printed with a font that has no
Unicode map ((cid:…) glyphs). The text-layer extractor reads what it can and
marks each unusable page with the "ocr" route; this module OCRs those pages
and fills in the fragments the text layer could not give. ``Extracted.pages``
says which route every page took, and the manifest repeats it.
"""

from __future__ import annotations

from ..model import ErrorCode, ErrorItem, Extracted, FragmentKind, PageRoute, Severity
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


def _ocr(source: str, data: bytes, pages: list[int], errors: list[ErrorItem]) -> Extracted:
    from .ocr import extract_ocr_pages
    from .pdfium_fonts import machine_fonts_shown

    cap = max_ocr_pages()
    if len(pages) > cap:
        errors.append(ErrorItem(
            code=ErrorCode.OCR_PAGES_CAPPED, component="extract", severity=Severity.WARNING,
            message=f"{source}: {len(pages)} pages need OCR; only the first {cap} were read "
            f"(JIXIAO_MAX_OCR_PAGES); page(s) {number_ranges(pages[cap:])} were skipped"))
        pages = pages[:cap]
    with machine_fonts_shown():  # the pages are drawn for the recogniser: every glyph (.pdfium_fonts)
        return extract_ocr_pages(source, data, pages)


def _fragments(extracted: Extracted) -> set[FragmentKind]:
    return {grid.fragment for grid in extracted.grids if grid.fragment is not None}


def extract_pdf_routed(source: str, data: bytes) -> Extracted:
    """Read a PDF through its text layer, and through OCR for the pages that need it."""
    try:
        extracted = extract_pdf(source, data)
    except NeedsOcr as text_error:
        return _all_by_ocr(source, data, text_error)
    missing = [kind for kind in FragmentKind if kind not in _fragments(extracted)]
    ocr_pages = [p["page"] for p in extracted.pages if p["route"] == ROUTE_OCR]
    if not _fragments(extracted) or not missing or not ocr_pages:
        return extracted  # grids of a ruled table (the layout reader reads them), or nothing to look for
    # Some fragments were not in the text layer: look for them on the unusable pages.
    try:
        scanned = _ocr(source, data, ocr_pages, extracted.errors)
    except ExtractionError as error:
        extracted.errors.append(ErrorItem(code=ErrorCode.OCR_FOUND_NOTHING, component="extract",
                                          severity=Severity.WARNING,
                                          message=f"{source}: OCR of pages {ocr_pages} found no missing "
                                          f"fragment: {error}"))
        return extracted
    if not _fragments(scanned):  # a whole table on the scanned pages: no seed fragment to add
        extracted.errors.append(ErrorItem(code=ErrorCode.OCR_OTHER_LAYOUT, component="extract",
                                          severity=Severity.WARNING,
                                          message=f"{source}: OCR of pages {ocr_pages} found a table of another "
                                          "layout, not the missing fragments; not read"))
        return extracted
    # the scanned pages of the missing fragments; the others give their header block only (the text
    # layer's block, first among the grids, is read before theirs)
    extracted.grids += [grid if grid.fragment in missing else grid.model_copy(update={"fragment": None})
                        for grid in scanned.grids]
    if extracted.year_hint is None:
        extracted.year_hint = scanned.year_hint
    read = {p["page"]: p for p in scanned.pages}
    extracted.pages = [read.get(p["page"], p) for p in extracted.pages]
    extracted.errors.extend(scanned.errors)
    return extracted


def _all_by_ocr(source: str, data: bytes, text_error: NeedsOcr) -> Extracted:
    """A PDF whose text layer gives no table: every unusable page through OCR, and each page's route."""
    ocr_pages, page_count = _ocr_routes(source, data)
    warnings: list[ErrorItem] = []
    try:
        extracted = _ocr(source, data, ocr_pages, warnings)
    except ExtractionError as ocr_error:
        # no table on the pages either reader saw: the pages none could load may have held it
        code = ErrorCode.PAGES_UNREADABLE if text_error.broken else ocr_error.code
        raise ExtractionError(f"{text_error}; routed to OCR, which found no table either: "
                              f"{ocr_error}", code=code) from None
    extracted.errors[:0] = warnings
    ocr_set = set(ocr_pages)
    read = {p["page"]: p for p in extracted.pages}
    extracted.pages = [read.get(n, PageRoute(page=n, route=ROUTE_OCR if n in ocr_set else ROUTE_TEXT))
                       for n in range(1, page_count + 1)]
    return extracted
