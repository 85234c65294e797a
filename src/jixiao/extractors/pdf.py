"""Extractor for PDFs with a text layer: find the performance-goal table and read it by geometry.

A filing PDF is usually a whole budget disclosure: income and expenditure
tables first, then the performance-goal table split over (usually) three
pages, one fragment each, maybe continued on 续表 pages. The pages are found
by their column-header words in pdfium's page text (fast: ~4 ms a page), and
only those pages go through pdfplumber, whose ruling lines give the cells.
Column boundaries are known, so nothing is glued; cell texts are rebuilt from
the characters in each bbox (see :mod:`.pdf_grid`). Each fragment page becomes
a grid tagged with its fragment: every cell with its page and bbox, merged
cells with the rows and columns they reach, the page title as its lines. What
the header block and the columns say is the reader's (:mod:`jixiao.reader.fragments`).
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Optional

from ..model import ErrorCode, ErrorItem, Extracted, FragmentKind, Provenance, Severity
from ..model import Grid as ModelGrid, GridCell as ModelCell
from ..model.errors import EncryptedPdf, NeedsOcr, NotAFiling, UnreadableFormat
from .base import filing_id, number_ranges, year_from_name
from .pdf_fonts import use_repaired_fonts
from .pdf_limits import check_inflation, max_pages, page_cap_message
from .pdf_grid import (
    CharIndex,
    Grid,
    GridCell,
    GridRow,
    grids_from_camelot,
    page_grids,
    pdfium_chars,
    text_lines,
)
from ..layout.vocabulary import header_fragment

if TYPE_CHECKING:
    from .pdf_page import PdfFile

ROUTE_TEXT: Final = "text"
ROUTE_OCR: Final = "ocr"

CID_GLYPH = re.compile(r"\(cid:\d+\)")
# What pdfium makes of the glyph codes of a font subset without a /ToUnicode map: control characters
# and the Latin letters a one-byte code maps to (Ä Å Ç … † ¢ £ §) where the page prints Chinese.
UNMAPPED_GLYPH = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\u024f\u2020-\u2022\u2122\ufffd]")
IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MEANINGFUL = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\w，。、；：（）()%％/＝=≥≤><《》“”\-.,:;]")


def text_layer_usable(page_text: str) -> bool:
    """Whether a page's extracted text is real text, or garbage that needs OCR.

    Garbage is: no text at all (an image-only page), pdfminer's "(cid:N)"
    placeholders for glyphs without a Unicode mapping, or mostly replacement /
    private-use / control characters (what pdfium returns for the same glyphs), or, on a page
    without Chinese, mostly control characters and accented Latin letters (pdfium's reading of a
    one-byte font subset's codes: the (cid:N) PDFs of issue 21).
    """
    stripped = "".join(page_text.split())
    if not stripped:
        return False
    cids = CID_GLYPH.findall(stripped)
    if cids and sum(map(len, cids)) > 0.2 * len(stripped):
        return False
    rest = CID_GLYPH.sub("", stripped)
    if not rest:
        return False
    garbled = len(UNMAPPED_GLYPH.findall(rest))
    if garbled > 0.3 * len(rest) and len(IDEOGRAPH.findall(rest)) < garbled:
        return False  # a subset font with no Unicode map, through pdfium (issue 21): codes, not text
    meaningful = len(MEANINGFUL.findall(rest))
    return meaningful >= 0.6 * len(rest)


@dataclass
class PageText:
    number: int  # 1-based
    text: str
    usable: bool
    kind: Optional[FragmentKind] = None
    broken: bool = False  # pdfium cannot load the page


def open_pdf(source: str, data: bytes):
    """pdfium document, or an :class:`UnreadableFormat` / :class:`EncryptedPdf` saying why the file cannot be opened."""
    import pypdfium2 as pdfium

    if not data:
        raise UnreadableFormat(f"{source}: the file is empty", code=ErrorCode.EMPTY_FILE)
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadableFormat(f"{source}: not a PDF (no %PDF header)", code=ErrorCode.CORRUPT_FILE)
    check_inflation(source, data)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if getattr(error, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:  # pdfium's code, not its words
            raise EncryptedPdf(f"{source}: the PDF is encrypted and needs a password "
                                  "(it does not open with an empty user password)") from None
        if _truncated(data):
            raise UnreadableFormat(f"{source}: truncated PDF (no %EOF trailer at the end), cannot be opened: "
                                   f"{message}", code=ErrorCode.TRUNCATED_FILE) from None
        raise UnreadableFormat(f"{source}: corrupt PDF, cannot be opened: {message}",
                               code=ErrorCode.CORRUPT_FILE) from None


def _truncated(data: bytes) -> bool:
    return b"%%EOF" not in data[-2048:]


def scan_pages(document, *, keep: Optional["PdfFile"] = None) -> list[PageText]:
    """Every page's text (pdfium) and which fragment's column header it shows, if any.

    Only the first :func:`~.pdf_limits.max_pages` pages are read (the caller warns about the rest).
    A page that may hold the table (it names a fragment's columns, or says 指标) is handed to
    ``keep``, when given, rather than closed, for :func:`~.pdf_page.read_page` to read without
    parsing it again.
    """
    from .pdfium_fonts import machine_fonts_hidden

    with machine_fonts_hidden():  # pdfium need not load a substitute font to give the page's text
        return _scan_pages(document, keep)


def _scan_pages(document, keep: Optional["PdfFile"]) -> list[PageText]:
    import pypdfium2 as pdfium

    from .pdf_table import TABLE_WORD

    pages = []
    for index in range(min(len(document), max_pages())):
        try:
            page = document[index]
        except pdfium.PdfiumError:  # a broken page object (found by fuzz/fuzz_extract.py): not OCR-able either
            pages.append(PageText(number=index + 1, text="", usable=True, broken=True))
            continue
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        kind = next((k for line in text.splitlines() if (k := line_fragment(line)) is not None), None)
        scanned = PageText(number=index + 1, text=text, usable=text_layer_usable(text), kind=kind)
        pages.append(scanned)
        wanted = scanned.usable and (kind is not None or TABLE_WORD in "".join(text.split()))
        if not (wanted and keep is not None and keep.keep(index, page)):
            page.close()
    return pages


def document_text(source: str, data: bytes) -> str:
    """Every page's text, line by line, read as a table's cells are (:func:`.pdf_page.read_page`: a
    font the file does not embed from the file's own data), with a space where a gap wider than a
    glyph parts the words of a line. For reference documents (``--reference``)."""
    from .pdf_page import PdfFile, read_page
    from .pdf_table import line_text

    document = open_pdf(source, data)
    pdf = PdfFile(document, data)
    try:
        lines = []
        for index in range(min(len(document), max_pages())):
            chars = read_page(pdf, index, edges=False).chars
            lines.extend(text for line in text_lines(chars) if (text := line_text(line)))
        return "\n".join(lines)
    finally:
        pdf.close()
        document.close()


def extract_pdf(source: str, data: bytes) -> Extracted:
    """Read a text-layer PDF into grids for the layout reader: the seed's split layout as one grid per
    fragment page (tagged with its fragment), any other ruled table as its grids (:mod:`.pdf_table`)."""
    from .pdf_page import PdfFile

    document = open_pdf(source, data)
    pdf = PdfFile(document, data)
    try:
        return _extract(source, data, pdf)
    finally:
        pdf.close()
        document.close()


def _extract(source: str, data: bytes, pdf: "PdfFile") -> Extracted:
    document = pdf.document
    pages = scan_pages(document, keep=pdf)
    found = Extracted(filing=filing_id(data), source=source, route="pdf", year_hint=year_from_name(source),
                      pages=[{"page": p.number, "route": ROUTE_TEXT if p.usable else ROUTE_OCR,
                              "fragment": p.kind.value if p.kind else None} for p in pages],
                      errors=_document_warnings(source, data, pages, len(document)))
    located = [p for p in pages if p.kind is not None and p.usable]
    split = split_layout(located)
    if not split:
        # any other ruled table: grids for the layout reader (issue 12)
        extracted = _table_grids(source, pdf, pages, found)
        if extracted is not None:
            return extracted
    if not located:
        _raise_not_found(source, pages, data, len(document))

    plumber = _Plumber(source, data)
    unparsed: list[int] = []  # pages pdfminer cannot parse, named if no fragment is found
    try:
        for located_page in located:
            # pypdfium2 alone first (a few ms a page); pdfplumber and camelot only where it finds no grid
            fast = _pdfium_header_grid(pdf, located_page)
            page_grid = fast if fast is not None else _read_with_pdfplumber(plumber, document, found, located_page,
                                                                             unparsed)
            if page_grid is not None:
                found.grids.append(fragment_grid(source, located_page.kind, page_grid[1], page_grid[0]))
    finally:
        plumber.close()
    if split and not any(g.fragment is FragmentKind.INDICATORS for g in found.grids):
        # the pages looked split but hold no indicator fragment: a table of another layout, perhaps
        extracted = _table_grids(source, pdf, pages, found)
        if extracted is not None:
            return extracted
    if not found.grids:
        raise NotAFiling(f"{source}: no performance-goal table: pages "
                              f"{', '.join(str(p.number) for p in located)} name its columns but hold no "
                              "ruled table with them" + (f" (pdfminer cannot parse page(s) "
                              f"{', '.join(map(str, unparsed))}: corrupt PDF)" if unparsed else ""))
    return found


def _document_warnings(source: str, data: bytes, pages: list[PageText], total: int) -> list[ErrorItem]:
    """What a reader of the pages should know: the file looks truncated, pages cannot be loaded, pages
    past the cap were not read."""
    errors = []
    if _truncated(data):
        errors.append(ErrorItem(code=ErrorCode.TRUNCATED_FILE, component="extract", severity=Severity.WARNING,
                                message=f"{source}: the file looks truncated (no %EOF trailer); "
                                "pages may be missing"))
    broken = [p.number for p in pages if p.broken]
    if broken:
        errors.append(ErrorItem(code=ErrorCode.PAGES_UNREADABLE, component="extract",
                                severity=Severity.WARNING, page=broken[0],
                                message=f"{source}: page(s) {number_ranges(broken)} cannot be loaded "
                                "(corrupt page objects); skipped"))
    if len(pages) < total:
        errors.append(ErrorItem(code=ErrorCode.PAGES_CAPPED, component="extract", severity=Severity.WARNING,
                                message=page_cap_message(source, total, len(pages))))
    return errors


def _table_grids(source: str, pdf, pages: list[PageText], found: Extracted) -> Optional[Extracted]:
    """The ruled tables of the pages that mention 指标 (and their continuations) as grids for the
    layout reader (:mod:`.pdf_table`), or None when they hold none."""
    from .pdf_table import TABLE_WORD, extract_tables

    numbers = [p.number for p in pages if p.usable and not p.broken and TABLE_WORD in "".join(p.text.split())]
    return extract_tables(source, pdf, numbers, found.errors, found.pages)


def split_layout(located: list[PageText]) -> bool:
    """The seed's layout: a page heads the 指标解释 or 评(扣)分标准 columns without the indicator
    columns beside them (a single table names them all in one header row)."""
    return any(p.kind is not FragmentKind.INDICATORS and "一级指标" not in (text := "".join(p.text.split()))
               and "三级指标" not in text for p in located)


def _pdfium_header_grid(pdf, located_page: PageText) -> Optional[tuple[CharIndex, Grid]]:
    """The located page's fragment grid read with pypdfium2 (:func:`.pdf_table.seed_page_grids`),
    or None when pdfium's lines and characters give none (no ruling lines it sees, unmapped glyphs)."""
    import pypdfium2 as pdfium

    from .pdf_table import seed_page_grids

    try:
        chars, grids = seed_page_grids(pdf, located_page.number)
    except pdfium.PdfiumError:
        return None
    if not text_layer_usable("".join(c["text"] for c in chars.chars)):
        return None
    grid = _header_grid(grids, located_page.kind)
    return None if grid is None else (chars, grid)


class _Plumber:
    """pdfplumber's view of the file, opened only when a page needs it."""

    def __init__(self, source: str, data: bytes):
        self.source, self.data, self.pdf = source, data, None

    def open(self):
        if self.pdf is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
                use_repaired_fonts(self.pdf)  # CID fonts whose system info an encrypting writer left unreadable
            except Exception as error:  # pdfium opened it, pdfminer cannot: say so, do not crash
                raise UnreadableFormat(f"{self.source}: PDF opens in pdfium but pdfminer cannot parse it: "
                                       f"{type(error).__name__}: {error}", code=ErrorCode.CORRUPT_FILE) from None
        return self.pdf

    def close(self) -> None:
        if self.pdf is not None:
            with _closing_quietly(self.pdf):
                pass


def _read_with_pdfplumber(plumber: _Plumber, document, found: Extracted, located_page: PageText,
                          unparsed: list[int]) -> Optional[tuple[CharIndex, Grid]]:
    """A located page pdfium found no grid on, through pdfplumber's lattice (and camelot's): its characters
    and the grid holding the fragment's column header, or None (with a warning) when it has none."""
    source, data = plumber.source, plumber.data
    pdf = plumber.open()
    try:
        page = pdf.pages[located_page.number - 1]
        page_chars = page.chars
    except Exception as error:  # a corrupt stream pdfium skipped over (found by fuzz/fuzz_extract.py)
        unparsed.append(located_page.number)
        found.errors.append(ErrorItem(
            code=ErrorCode.PAGE_SKIPPED, component="extract", severity=Severity.WARNING, page=located_page.number,
            message=f"{source}: page {located_page.number} cannot be parsed by pdfminer "
            f"({type(error).__name__}: {str(error)[:200]}); page skipped"))
        return None
    if not text_layer_usable("".join(c["text"] for c in page_chars)):
        # pdfminer sees "(cid:N)" where pdfium maps the glyphs (e.g. CID fonts in
        # encrypted files): take pdfium's characters instead
        page_chars = pdfium_chars(document, located_page.number - 1, float(page.height))
    chars = CharIndex(page_chars)
    kind = located_page.kind
    assert kind is not None
    grid = _header_grid(page_grids(page, chars), kind)
    if grid is None:
        # no ruling lines pdfplumber can use: let camelot find the grid in the picture
        grid = _header_grid(_camelot_grids(source, data, located_page.number, page.height, chars), kind)
    if grid is None:
        found.errors.append(ErrorItem(
            code=ErrorCode.PAGE_SKIPPED, component="extract", severity=Severity.WARNING, page=located_page.number,
            message=f"{source}: page {located_page.number} names the {kind.value} "
            "columns but has no ruled table holding them; page skipped"))
        return None
    return chars, grid


@contextlib.contextmanager
def _closing_quietly(pdf):
    """pdfplumber's close() builds every page object, and a broken page dictionary (a /Rotate that
    is not a number: found by fuzz/fuzz_extract.py) raises there: closing must not fail the file."""
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def _raise_not_found(source: str, pages: list[PageText], data: bytes, total: int) -> None:
    unusable = [p.number for p in pages if not p.usable]
    broken = [p.number for p in pages if p.broken]
    if unusable:
        which = "every page" if len(unusable) == len(pages) else f"page(s) {number_ranges(unusable)}"
        lost = f"; page(s) {number_ranges(broken)} cannot be loaded (corrupt page objects)" if broken else ""
        error = NeedsOcr(f"{source}: text layer unusable on {which} of {len(pages)} ((cid:…) glyphs or no text)"
                         f"{lost}; no performance-goal table found in the readable text")
        error.broken = tuple(broken)
        raise error
    truncated = " The file looks truncated (no %EOF trailer)." if _truncated(data) else ""
    if broken:
        truncated += f" Page(s) {number_ranges(broken)} cannot be loaded (corrupt page objects)."
    if len(pages) < total:
        truncated += f" {page_cap_message(source, total, len(pages))}."
    raise NotAFiling(
        f"{source}: no performance-goal table: none of its {len(pages)} page(s) has the column "
        f"headers 一级指标 / 指标解释 / 评(扣)分标准 or a ruled table with indicator columns.{truncated}",
        code=_not_found_code(broken, len(pages) < total))


def _not_found_code(broken: list[int], capped: bool) -> ErrorCode:
    """No table: on pages that could not be loaded, perhaps, or past the page cap; else none at all."""
    if broken:
        return ErrorCode.PAGES_UNREADABLE
    return ErrorCode.PAGES_CAPPED if capped else ErrorCode.NO_TABLE


def _camelot_grids(source: str, data: bytes, page_number: int, height: float, chars: CharIndex) -> list[Grid]:
    import tempfile

    # camelot reads from a path; the input may not be one (bytes from a batch)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        try:
            return grids_from_camelot(handle.name, page_number, height, chars)
        except Exception:  # camelot is only a fallback; its failure is "no grid"
            return []


def line_fragment(line: str) -> Optional[FragmentKind]:
    """The column group whose header row a line of pdfium's page text shows (its cells come
    separated by spaces), by the layout vocabulary; long lines are body text that only mentions
    the words."""
    if len(line.strip()) > 60:
        return None
    fragment = header_fragment(line.split())
    return FragmentKind(fragment) if fragment else None


def row_fragment(row: GridRow) -> Optional[FragmentKind]:
    """The column group a grid row's cells name as its column headers, if any."""
    fragment = header_fragment(c.text for c in row.present())
    return FragmentKind(fragment) if fragment else None


def _header_row_index(grid: Grid, kind: FragmentKind) -> Optional[int]:
    return next((i for i, row in enumerate(grid.rows) if row_fragment(row) is kind), None)


def _header_grid(grids: list[Grid], kind: FragmentKind) -> Optional[Grid]:
    return next((g for g in grids if _header_row_index(g, kind) is not None), None)


def fragment_grid(source: str, kind: Optional[FragmentKind], page: Grid, chars: CharIndex) -> ModelGrid:
    """A fragment page's ruled table as the reader's grid: every cell (empty ones too) at its row and
    column, merged cells with the rows and columns their bbox reaches, whether its text fills its width,
    and the page's title (the text above the table) as the grid's lines. Its header block, column header
    and rows are the reader's to tell apart (:mod:`jixiao.reader.fragments`)."""
    rights = _column_rights(page)
    cells = []
    for r, row in enumerate(page.rows):
        for k, cell in enumerate(row.cells):
            if cell is None:
                continue  # a merged cell above or to the left covers this slot
            cells.append(ModelCell(
                text=cell.text, row=r, col=k, row_span=_rows_reached(page.rows, r, cell),
                col_span=_columns_reached(rights, k, cell),
                provenance=Provenance(file=source, page=page.page, bbox=tuple(round(v, 2) for v in cell.bbox)),
                at_capacity=True if cell.at_edge else None))
    title = [(n, "".join(c["text"] for c in line)) for n, line in enumerate(text_lines(chars.above(page.bbox[1])), 1)]
    return ModelGrid(source=source, form="pdf", cells=cells, positional=True, lines=title, fragment=kind)


REACH = 0.5
"""Points a merged cell's edge may fall short of a row's bottom (a column's right) and still cover it."""


def _rows_reached(rows: list[GridRow], r: int, cell: GridCell) -> int:
    """The rows a cell covers from its own down: each whose bottom its bbox reaches."""
    span = 1
    while r + span < len(rows) and cell.bbox[3] >= rows[r + span].bottom - REACH:
        span += 1
    return span


def _column_rights(page: Grid) -> list[Optional[float]]:
    """Each column's right edge: the narrowest cell that starts in it (None: no cell starts there)."""
    width = max((len(row.cells) for row in page.rows), default=0)
    rights: list[Optional[float]] = [None] * width
    for row in page.rows:
        for k, cell in enumerate(row.cells):
            if cell is not None and (rights[k] is None or cell.bbox[2] < rights[k]):
                rights[k] = cell.bbox[2]
    return rights


def _columns_reached(rights: list[Optional[float]], k: int, cell: GridCell) -> int:
    """The columns a cell covers from its own rightwards: each whose right edge its bbox reaches."""
    span = 1
    while k + span < len(rights) and (edge := rights[k + span]) is not None and cell.bbox[2] >= edge - REACH:
        span += 1
    return span
