"""Extractor for PDFs with a text layer: find the performance-goal table and read it by geometry.

A filing PDF is usually a whole budget disclosure: income and expenditure
tables first, then the performance-goal table split over (usually) three
pages, one fragment each, maybe continued on 续表 pages. The pages are found
by their column-header words in pdfium's page text (fast: ~4 ms a page), and
only those pages go through pdfplumber, whose ruling lines give the cells.
Column boundaries are known, so nothing is glued; cell texts are rebuilt from
the characters in each bbox (see :mod:`.pdf_grid`).
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Optional, Union

from ..model import Cell, ErrorCode, ErrorItem, Extracted, Filing, Fragment, FragmentKind, Provenance, Row, Severity
from ..model.errors import EncryptedPdf, NeedsOcr, NotAFiling, UnreadableFormat
from .base import filing_id, number_ranges, year_from_name
from .cells import split_scoring_cell
from .header import (
    DEPARTMENT_LABEL,
    DUTIES_LABEL,
    GOALS_LABEL,
    YEAR_PATTERN,
    split_duties,
    split_goals,
    strip_label,
)
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
from ..layout.vocabulary import column_fields, header_fragment, remark_holds_scores

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


def extract_pdf(source: str, data: bytes) -> Union[Filing, Extracted]:
    """Read a text-layer PDF: the seed's split layout into a Filing with its header items and three
    fragments; any other ruled table into grids for the layout reader (:mod:`.pdf_table`)."""
    from .pdf_page import PdfFile

    document = open_pdf(source, data)
    pdf = PdfFile(document, data)
    try:
        return _extract(source, data, pdf)
    finally:
        pdf.close()
        document.close()


def _extract(source: str, data: bytes, pdf: "PdfFile") -> Union[Filing, Extracted]:
    document = pdf.document
    pages = scan_pages(document, keep=pdf)
    filing = Filing(filing=filing_id(data), source=source, route="pdf")
    filing.pages = [{"page": p.number, "route": ROUTE_TEXT if p.usable else ROUTE_OCR,
                     "fragment": p.kind.value if p.kind else None} for p in pages]
    if _truncated(data):
        filing.errors.append(ErrorItem(code=ErrorCode.TRUNCATED_FILE, component="extract", severity=Severity.WARNING,
                                       message=f"{source}: the file looks truncated (no %EOF trailer); "
                                       "pages may be missing"))
    broken = [p.number for p in pages if p.broken]
    if broken:
        filing.errors.append(ErrorItem(code=ErrorCode.PAGES_UNREADABLE, component="extract",
                                       severity=Severity.WARNING, page=broken[0],
                                       message=f"{source}: page(s) {number_ranges(broken)} cannot be loaded "
                                       "(corrupt page objects); skipped"))
    if len(pages) < len(document):
        filing.errors.append(ErrorItem(code=ErrorCode.PAGES_CAPPED, component="extract", severity=Severity.WARNING,
                                       message=page_cap_message(source, len(document), len(pages))))
    located = [p for p in pages if p.kind is not None and p.usable]
    split = split_layout(located)
    if not split:
        # any other ruled table: grids for the layout reader (issue 12)
        extracted = _table_grids(source, pdf, pages, filing)
        if extracted is not None:
            return extracted
    if not located:
        _raise_not_found(source, pages, data, len(document))

    reader = _FragmentReader(source, filing)
    plumber = _Plumber(source, data)
    unparsed: list[int] = []  # pages pdfminer cannot parse, named if no fragment is found
    try:
        for located_page in located:
            # pypdfium2 alone first (a few ms a page); pdfplumber and camelot only where it finds no grid
            fast = _pdfium_header_grid(pdf, located_page)
            if fast is not None:
                reader.read(fast[1], located_page.kind, fast[0])
            else:
                _read_with_pdfplumber(plumber, document, filing, reader, located_page, unparsed)
    finally:
        plumber.close()
    if split and FragmentKind.INDICATORS not in filing.fragments:
        # the pages looked split but hold no indicator fragment: a table of another layout, perhaps
        extracted = _table_grids(source, pdf, pages, filing)
        if extracted is not None:
            return extracted
    if not filing.fragments:
        raise NotAFiling(f"{source}: no performance-goal table: pages "
                              f"{', '.join(str(p.number) for p in located)} name its columns but hold no "
                              "ruled table with them" + (f" (pdfminer cannot parse page(s) "
                              f"{', '.join(map(str, unparsed))}: corrupt PDF)" if unparsed else ""))
    reader.finish()
    return filing


def _table_grids(source: str, pdf, pages: list[PageText], filing: Filing) -> Optional[Extracted]:
    """The ruled tables of the pages that mention 指标 (and their continuations) as grids for the
    layout reader (:mod:`.pdf_table`), or None when they hold none."""
    from .pdf_table import TABLE_WORD, extract_tables

    numbers = [p.number for p in pages if p.usable and not p.broken and TABLE_WORD in "".join(p.text.split())]
    return extract_tables(source, pdf, numbers, filing.errors, filing.pages)


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


def _read_with_pdfplumber(plumber: _Plumber, document, filing: Filing, reader: "_FragmentReader",
                          located_page: PageText, unparsed: list[int]) -> None:
    """A located page pdfium found no grid on, through pdfplumber's lattice (and camelot's)."""
    source, data = plumber.source, plumber.data
    pdf = plumber.open()
    try:
        page = pdf.pages[located_page.number - 1]
        page_chars = page.chars
    except Exception as error:  # a corrupt stream pdfium skipped over (found by fuzz/fuzz_extract.py)
        unparsed.append(located_page.number)
        filing.errors.append(ErrorItem(
            code=ErrorCode.PAGE_SKIPPED, component="extract", severity=Severity.WARNING, page=located_page.number,
            message=f"{source}: page {located_page.number} cannot be parsed by pdfminer "
            f"({type(error).__name__}: {str(error)[:200]}); page skipped"))
        return
    if not text_layer_usable("".join(c["text"] for c in page_chars)):
        # pdfminer sees "(cid:N)" where pdfium maps the glyphs (e.g. CID fonts in
        # encrypted files): take pdfium's characters instead
        page_chars = pdfium_chars(document, located_page.number - 1, float(page.height))
    chars = CharIndex(page_chars)
    grids = page_grids(page, chars)
    grid = _header_grid(grids, located_page.kind)
    if grid is None:
        # no ruling lines pdfplumber can use: let camelot find the grid in the picture
        grid = _header_grid(_camelot_grids(source, data, located_page.number, page.height, chars),
                            located_page.kind)
    if grid is None:
        filing.errors.append(ErrorItem(
            code=ErrorCode.PAGE_SKIPPED, component="extract", severity=Severity.WARNING, page=located_page.number,
            message=f"{source}: page {located_page.number} names the {located_page.kind.value} "
            "columns but has no ruled table holding them; page skipped"))
        return
    reader.read(grid, located_page.kind, chars)


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
    if unusable:
        which = "every page" if len(unusable) == len(pages) else f"page(s) {number_ranges(unusable)}"
        raise NeedsOcr(
            f"{source}: text layer unusable on {which} of {len(pages)} ((cid:…) glyphs or no text); "
            "no performance-goal table found in the readable text")
    truncated = " The file looks truncated (no %EOF trailer)." if _truncated(data) else ""
    broken = [p.number for p in pages if p.broken]
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


def _overlap(a: GridCell, x0: float, x1: float) -> float:
    return max(0.0, min(a.bbox[2], x1) - max(a.bbox[0], x0))


class _FragmentReader:
    """Turns located grids into fragments, header items and the year, page after page."""

    def __init__(self, source: str, filing: Filing):
        self.source, self.filing = source, filing
        self.blocks: list[dict[str, Cell]] = []
        self.current: Optional[Fragment] = None
        self.ignored: set[int] = set()
        self.year: Optional[int] = None

    def _cell(self, grid: Grid, cell: GridCell, text: Optional[str] = None) -> Cell:
        return Cell(text=cell.text if text is None else text,
                    provenance=Provenance(file=self.source, page=grid.page,
                                          bbox=tuple(round(v, 2) for v in cell.bbox)),
                    at_capacity=True if cell.at_edge else None)

    def read(self, grid: Grid, kind: FragmentKind, chars: CharIndex) -> None:
        h = _header_row_index(grid, kind)
        assert h is not None, "read() is given grids that _header_grid found"
        block = self._header_block(grid, grid.rows[:h])
        header = grid.rows[h].present()
        names = column_fields(kind.value, [c.text for c in header])
        columns = [(c.bbox[0], c.bbox[2], name) for c, name in zip(header, names) if name]
        if remark_holds_scores(names, self._column_texts(grid.rows[h + 1:], columns, "remark")):
            # the seed's 评/扣分标准 | 备注 with the score under 备注 (issue 11)
            columns = [(x0, x1, "score" if name == "remark" else name) for x0, x1, name in columns]
        continuation = not block and self.current is not None and self.current.kind is kind
        if block:
            self.blocks.append(block)
            if self.year is None:
                title = "".join(c["text"] for line in text_lines(chars.above(grid.bbox[1])) for c in line)
                match = YEAR_PATTERN.search(title)
                self.year = int(match.group(1)) if match else None
        if not continuation:
            if kind in self.filing.fragments:
                first = self.filing.fragments[kind].provenance.page
                self.filing.errors.append(ErrorItem(
                    code=ErrorCode.DUPLICATE_FRAGMENT, component="extract", severity=Severity.WARNING, page=grid.page,
                    message=f"{self.source}: a second {kind.value} fragment on page {grid.page} is ignored; "
                    f"the first, on page {first}, is used"))
                self.current = None
                return
            bbox = tuple(round(v, 2) for v in (grid.bbox[0], grid.rows[h].top, grid.bbox[2], grid.rows[h].bottom))
            self.current = Fragment(kind=kind, provenance=Provenance(file=self.source, page=grid.page, bbox=bbox))
            self.filing.fragments[kind] = self.current
        if not columns:
            return
        spanning: dict[str, GridCell] = {}  # a merged cell covers the rows below it on this page
        for row in grid.rows[h + 1:]:
            cells = self._row_cells(grid, kind, row, columns, spanning)
            if cells:
                self.current.rows.append(Row(index=len(self.current.rows) + 1, cells=cells))

    @staticmethod
    def _column_texts(rows: list[GridRow], columns, name: str) -> list[str]:
        """The texts of the cells that fall in column ``name``, row by row."""
        texts = []
        for row in rows:
            for cell in row.present():
                best = max(columns, key=lambda col: _overlap(cell, col[0], col[1]))
                if best[2] == name and _overlap(cell, best[0], best[1]) > 0:
                    texts.append(cell.text)
        return texts

    def _row_cells(self, grid: Grid, kind: FragmentKind, row: GridRow, columns, spanning) -> dict[str, Cell]:
        found: dict[str, GridCell] = {}
        for cell in row.present():
            best = max(columns, key=lambda col: _overlap(cell, col[0], col[1]))
            if _overlap(cell, best[0], best[1]) > 0 and best[2] not in found:
                found[best[2]] = cell
                spanning[best[2]] = cell
        for name, cell in spanning.items():
            # None in pdfplumber's row: the cell drawn above reaches down over this row
            if name not in found and cell.bbox[3] >= row.bottom - 0.5:
                found[name] = cell
        if not any(c.text.strip() for c in found.values()):
            return {}
        order = [name for _, _, name in columns]
        found = dict(sorted(found.items(), key=lambda item: order.index(item[0])))
        if kind is FragmentKind.SCORING:
            return self._scoring_cells(grid, found)
        return {name: self._cell(grid, cell) for name, cell in found.items()}

    def _scoring_cells(self, grid: Grid, found: dict[str, GridCell]) -> dict[str, Cell]:
        cells: dict[str, Cell] = {}
        rule = found.get("scoring_rule")
        if rule is not None:
            if "score" in found:
                cells["scoring_rule"] = self._cell(grid, rule)
            else:  # no 分值 column: the score is glued to the rule, as in a text dump
                text, score, remark = split_scoring_cell(rule.text)
                cells["scoring_rule"] = self._cell(grid, rule, text)
                if score is not None:
                    cells["score"] = self._cell(grid, rule, score)
                if remark is not None and "remark" not in found:
                    cells["remark"] = self._cell(grid, rule, remark)
        score = found.get("score")
        if score is not None and score.text.strip() not in ("", "/", "／"):
            cells["score"] = self._cell(grid, score, score.text.strip())
        remark = found.get("remark")
        if remark is not None and remark.text.strip():
            cells["remark"] = self._cell(grid, remark)
        return cells

    def _header_block(self, grid: Grid, rows: list[GridRow]) -> dict[str, Cell]:
        """Label | value rows above the column headers: department, duties, goals."""
        block: dict[str, Cell] = {}
        for row in rows:
            present = row.present()
            if len(present) < 2:
                continue  # the full-width 绩效指标 row, a title row
            label, value = present[0], max(present[1:], key=lambda c: len(c.text))
            for name, pattern in (("duties", DUTIES_LABEL), ("goals", GOALS_LABEL),
                                  ("department", DEPARTMENT_LABEL)):
                rest, matched = strip_label(label.text, pattern)
                if matched and not rest.strip() and name not in block:
                    block[name] = self._cell(grid, value)
                    break
        return block

    def finish(self) -> None:
        """Department, duties, goals and year from the first complete header block."""
        departments = {b["department"].text.strip() for b in self.blocks if "department" in b}
        if len(departments) > 1:
            self.filing.errors.append(ErrorItem(
                code=ErrorCode.DEPARTMENTS_DIFFER, component="extract",
                message=f"{self.source}: fragments name different departments: {' / '.join(sorted(departments))}"))
        department = next((b["department"] for b in self.blocks if "department" in b), None)
        if department is not None:
            self.filing.department = department.model_copy(update={"text": department.text.strip()})
        duties = next((b["duties"] for b in self.blocks if "duties" in b), None)
        goals = next((b["goals"] for b in self.blocks if "goals" in b), None)
        if duties is not None:
            self.filing.duties = split_duties(duties)
        if goals is not None:
            self.filing.goals = split_goals(goals)
        self.filing.year = self.year or year_from_name(self.source)
