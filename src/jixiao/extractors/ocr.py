"""Extractor for scanned filings: image-only PDF pages and PNG/JPEG/TIFF images.

Per page: render (pypdfium2, 200 DPI by default) or load the image, level it
(deskew ≤ 2°), find the ruled table (``grid.find_tables``), detect text lines
once, place them in grid cells, then read the table row by row from the top:
a row whose cells say 一级指标 / 指标解释 / 评（扣）分标准 is the column-header
row that tells which fragment the page holds, and every row below it is a
table row. Pages without such a row are skipped after reading only the top of
their table. The header block (department, duties, goals) is read once per
filing: on later fragment pages only the department is read, for the reader
to check it. Each page gives a grid tagged with its fragment (``ocr_assemble``).

Entry points:
- :func:`extract_image` — the registered "image" extractor, ``(source, data)``;
- :func:`extract_ocr_pages` — chosen pages of a PDF (or all pages of an image),
  for the PDF route (``route.py``) to call on pages whose text layer is unusable
  (``pdf.text_layer_usable`` decides which).

Cell text is post-corrected (``ocr_fixes``) for the column it sits in;
one-glyph marks in the operator, target, unit and score columns (≥ ≤ > < = /)
are read by their shape (``ocr_marks``), and a cell the shape settles is not
sent to the recogniser at all. Each cell carries the mean recogniser score (or
the shape's certainty) as ``ocr_confidence``, and its provenance bbox is in
PDF points of the original page, top-left origin.

Recognition is batched: one recogniser call for the first rows (the header
search), one for the header-block values still needed, one for the body.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np

from ..model import Cell, ErrorCode, Extracted, FragmentKind, PageRoute, Provenance
from .ocr_fixes import correct_cell, header_kind
from .base import ExtractionError, filing_id, year_from_name
from .grid import GridCell, Table, assign_boxes, find_tables, reading_order
from ..layout.header_block import DEPARTMENT_LABEL, DUTIES_LABEL, GOALS_LABEL, YEAR, strip_label
from .ocr_assemble import column_names, page_grid
from .ocr_engine import OcrEngine
from .ocr_image import print_only, rectify
from ..layout.vocabulary import remark_holds_scores
from .ocr_marks import MARK_COLUMNS, MarkReading, classify_mark, is_mark, merge_mark, settles
from .ocr_table import ColumnName, TablePart, chains_of, extracted, header_names, is_whole_table, keeps_section
from .ocr_whole import WholeTableReading

DEFAULT_DPI = 200
HEADER_SEARCH_ROWS = 8  # the column-header row is within the first rows of a fragment's table


@dataclass
class PageImage:
    number: int  # 1-based page number in the source
    gray: np.ndarray
    dpi: float


@dataclass
class PageRead:
    """What one page gave: its fragment kind (if any) and its rows of cell texts."""

    number: int
    kind: Optional[FragmentKind] = None
    header: dict[str, Cell] = field(default_factory=dict)  # department / duties / goals
    header_at: dict[str, GridCell] = field(default_factory=dict)  # the lattice cell each of them was read from
    columns: list[tuple[GridCell, str]] = field(default_factory=list)  # the column-header row
    column_cells: list[Cell] = field(default_factory=list)  # the column-header row's cells as read
    names: list[str] = field(default_factory=list)  # the field of each elementary column ("" for none)
    rows: list[list[tuple[GridCell, Cell]]] = field(default_factory=list)
    skew: float = 0.0
    note: str = ""
    year: Optional[int] = None
    part: Optional[TablePart] = None  # a whole table (not a seed fragment): every cell, for the layout reader
    has_header: bool = False  # the part shows its column-header row


# ---------------------------------------------------------------- page sources

def pdf_pages(data: bytes, source: str, pages: Optional[Sequence[int]] = None,
              dpi: float = DEFAULT_DPI) -> Iterable[PageImage]:
    """Render PDF pages (1-based numbers; None = all) as grayscale images."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ExtractionError(f"{source}: not a readable PDF: {error}", code=ErrorCode.CORRUPT_FILE) from None
    try:
        numbers = list(pages) if pages is not None else list(range(1, len(document) + 1))
        for number in numbers:
            if not 1 <= number <= len(document):
                raise ExtractionError(f"{source}: page {number} does not exist (the PDF has {len(document)})",
                                      code=ErrorCode.INTERNAL)
            # in colour: a seal or a signature is told from the print by its colour (ocr_image)
            bitmap = document[number - 1].render(scale=dpi / 72)
            yield PageImage(number, print_only(np.array(bitmap.to_pil().convert("RGB"))), dpi)
    finally:
        document.close()


def image_pages(data: bytes, source: str) -> list[PageImage]:
    """Load an image (every frame of a multi-page TIFF) as grayscale pages of its print (``ocr_image``).

    The DPI comes from the file; when it is missing, or makes the page no paper size (a phone writes
    72 dpi into a photograph of an A4 page: 34 inches long), it is guessed from the page being A4
    (the longer side is 11.69 in), which is what filings are.
    """
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as error:
        raise ExtractionError(f"{source}: not a readable image: {error}", code=ErrorCode.CORRUPT_FILE) from None
    pages = []
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        gray = print_only(np.array(frame.convert("L" if frame.mode in GREY_MODES else "RGB")))
        pages.append(PageImage(number, gray, page_dpi(frame.info.get("dpi", (0, 0))[0], gray.shape)))
    return pages


GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")
PAPER_INCHES = (5.5, 17.0)  # the longer side of A5 … A3, with some slack: what a filing's page measures


def page_dpi(stated: float, shape: tuple[int, ...]) -> float:
    """The resolution of a page image: the file's, unless it makes the page no paper size."""
    longer = max(shape[:2])
    if stated and PAPER_INCHES[0] <= longer / float(stated) <= PAPER_INCHES[1]:
        return float(stated)
    return longer / 11.69


# ---------------------------------------------------------------- reading a page

class PageReader(WholeTableReading):
    """Reads the table of one page image into a :class:`PageRead`: a seed fragment here, a whole
    table of any other layout cell by cell (:class:`.ocr_whole.WholeTableReading`)."""

    def __init__(self, source: str, engine: Optional[OcrEngine] = None):
        self.source = source
        self.engine = engine or OcrEngine.shared()

    def read(self, page: PageImage, *, need_header: bool, need_year: bool = True,
             columns: Optional[list[ColumnName]] = None) -> PageRead:
        """Read the page's largest ruled table: a seed fragment, or a whole table (``result.part``).
        ``columns``: the column names of a whole table on the page before, which a table on this
        page without a header row of its own continues."""
        result = PageRead(page.number)
        rectified = rectify(page.gray, page.dpi)
        gray = rectified.gray
        result.skew = rectified.skew
        tables = find_tables(gray, page.dpi)
        if not tables:
            result.note = "no ruled table"
            return result
        boxes = self.engine.detect(gray)
        self._to_points = lambda bbox: rectified.to_points(bbox, page.dpi)
        self._page, self._dpi = page.number, page.dpi
        placed = assign_boxes([cell for table in tables for cell in table.cells], boxes)
        by_cell: dict[GridCell, list[tuple[float, float, float, float]]] = {}
        for item in placed:
            by_cell.setdefault(item.cell, []).append(_inside(item.bbox, item.cell, page.dpi))
        self._gray, self._by_cell = gray, by_cell
        self._raw: dict[GridCell, tuple[str, Optional[float]]] = {}
        self._shapes: dict[GridCell, MarkReading] = {}
        table = self._headed(tables, result, need_header)
        if table is None:  # no table here has a column-header row: the largest may continue one
            table = max(tables, key=_area)
            self._read_table(table, result, need_header, columns)
        if result.part is not None:
            result.part.lines = self._lines_above(gray, boxes, table, tables)
            result.part.blocks = self._blocks_above(table, tables)
            years = [m for m in map(YEAR.search, result.part.above) if m]
            result.year = int(years[0].group(1)) if years else None
        elif need_year:
            result.year = self._title_year(gray, boxes, table)
        return result

    def _headed(self, tables: list[Table], result: PageRead, need_header: bool) -> Optional[Table]:
        """The largest table whose first rows hold a column-header row, read into ``result``; None
        when none does. Not simply the largest table: a header block printed as a table of its own
        above a short indicator table is the larger of the two."""
        for table in sorted(tables, key=_area, reverse=True):
            trial = PageRead(result.number, skew=result.skew)
            self._read_table(table, trial, need_header)
            if trial.kind is not None or trial.part is not None:
                result.__dict__.update(trial.__dict__)
                return table
        return None

    def _title_year(self, gray, boxes, table: Table) -> Optional[int]:
        """The （2023年度） line above the first fragment's table, if there is one."""
        above = [b for b in boxes if b[3] <= table.ys[0] and b[1] >= table.ys[0] - 150 * 200 / 72]
        for text in (r.text for r in self.engine.recognise(gray, above)):
            match = YEAR.search(text)
            if match:
                return int(match.group(1))
        return None

    def _shape(self, cell: GridCell) -> MarkReading:
        """The cell's content classified by shape (``ocr_marks``), computed once."""
        if cell not in self._shapes:
            x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
            self._shapes[cell] = classify_mark(self._gray[y0:y1, x0:x1], line_px=max(2.0, 1.2 * self._dpi / 72))
        return self._shapes[cell]

    def _recognise(self, cells: Iterable[GridCell], names: Optional[dict[GridCell, str]] = None) -> None:
        """OCR the cells not read yet in one recogniser call (the model runs in batches
        of similar widths, so one call with many boxes is much cheaper than many calls).

        With `names` (each cell's column), a cell whose shape settles it (a sure ≥ in
        the operator column, a sure "/" in a value column) is not OCR'd; without
        them (the header search), cells that hold a sure mark wait until their column
        is known: they cannot be header words.
        """
        todo = []
        for cell in dict.fromkeys(cells):
            if cell in self._raw:
                continue
            if names is not None and settles(names.get(cell, ""), self._shape(cell)):
                self._raw[cell] = (self._shape(cell).mark, self._shape(cell).certainty)
            elif names is not None or cell not in self._by_cell or not is_mark(self._shape(cell)):
                todo.append(cell)
        boxes, owners = [], []
        for k, cell in enumerate(todo):
            for box in self._by_cell.get(cell, []) or self._missed(cell, (names or {}).get(cell, "")):
                boxes.append(box)
                owners.append(k)
        texts = self.engine.recognise(self._gray, boxes) if boxes else []
        parts: list[list] = [[] for _ in todo]
        for k, box, rec in zip(owners, boxes, texts):
            parts[k].append((box, rec))
        for cell, items in zip(todo, parts):
            text = "".join(reading_order([(box, rec.text) for box, rec in items]))
            confidence = round(float(np.mean([rec.score for _, rec in items])), 4) if items else None
            self._raw[cell] = (text, confidence)
        self._read_whole_cells([cell for cell, items in zip(todo, parts)
                                if items and not self._raw[cell][0].strip()], names or {})

    def _read_whole_cells(self, cells: list[GridCell], names: dict[GridCell, str]) -> None:
        """Value cells whose detected boxes read as nothing (a lone % boxed too tightly): their
        inside read whole, once."""
        wanted = [(cell, box) for cell in cells for box in self._missed(cell, names.get(cell, ""))]
        if not wanted:
            return
        for (cell, _), rec in zip(wanted, self.engine.recognise(self._gray, [box for _, box in wanted])):
            if rec.text.strip():
                self._raw[cell] = (rec.text, round(float(rec.score), 4))

    def _missed(self, cell: GridCell, column: str) -> list[tuple[float, float, float, float]]:
        """The inside of a value cell the text detector found nothing in though it holds ink that is
        no mark (a lone % in a 度量单位 column is too small a box for the detector): read whole."""
        if column not in MARK_COLUMNS or self._shape(cell).mark is not None:
            return []
        inset = max(2.0, 1.2 * self._dpi / 72) + 1
        return [(cell.x0 + inset, cell.y0 + inset, cell.x1 - inset, cell.y1 - inset)]

    def _cells(self, cells: Sequence[GridCell], column: Optional[Sequence[str]] = None, *,
               sections: bool = False) -> list[Cell]:
        """The cells' text (OCR'd if not read yet), post-corrected for their columns. With
        ``sections``, a 一级/二级 cell holding a score range (产出指标(60分)) is kept as read."""
        self._recognise(cells, dict(zip(cells, column)) if column else {})
        out = []
        for k, cell in enumerate(cells):
            text, confidence = self._raw[cell]
            name = column[k] if column else ""
            if not (sections and keeps_section(name, text)):
                text, confidence = correct_cell(name, text, confidence)
            if sections and name == "level3":
                text = text.rstrip(".,'`·")  # a speck after an indicator's name, read as a full stop
            if name in MARK_COLUMNS:
                # one-glyph marks (≥ ≤ = /) are read by their shape; OCR text is the fallback
                text, confidence = merge_mark(name, self._shape(cell), text, confidence)
            out.append(Cell(text=text, ocr_confidence=confidence,
                            provenance=Provenance(file=self.source, page=self._page,
                                                  bbox=self._to_points(cell.bbox))))
        return out

    def _read_table(self, table: Table, result: PageRead, need_header: bool,
                    continued: Optional[list[ColumnName]] = None) -> None:
        rows = table.rows()
        # The first rows in one call, except the value cell of a two-cell row: that is a
        # header-block value, and duties and goals are long texts read once per filing.
        self._recognise(cell for row in rows[:HEADER_SEARCH_ROWS] for cell in (row[:1] if len(row) == 2 else row))
        header_at, wanted = self._find_header(rows, result, need_header)
        if header_at is not None:
            named = header_names(result.columns)
            last = max(cell.row + cell.row_span - 1 for cell in rows[header_at])
            header_rows = set(range(rows[0][0].row, last + 1))
            if is_whole_table(named):
                result.kind, result.has_header = None, True
                self._read_whole(table, result, named, header_rows, rows[header_at])
                return
            if result.kind is FragmentKind.INDICATORS:
                # indicator columns alone head the seed's first fragment, or a whole table with no
                # other columns (a merged-cell sheet: 一级/二级/三级/目标值): read both ways, the
                # filing decides when it has seen every page (extract_pages)
                self._read_whole(table, result, named, header_rows, rows[header_at])
                result.has_header = True
        elif continued:
            self._read_whole(table, result, continued, set())
            return
        self._recognise(wanted.values())
        for name, cell in wanted.items():
            result.header[name] = self._cells([cell], [name if name != "department" else ""])[0]
            result.header_at[name] = cell
        if header_at is None:
            result.note = "no column-header row (一级指标 / 指标解释 / 评（扣）分标准)"
            return
        self._read_fragment(rows[header_at + 1:], result)

    def _find_header(self, rows: list[list[GridCell]], result: PageRead,
                     need_header: bool) -> tuple[Optional[int], dict[str, GridCell]]:
        """The column-header row among the first rows (its index; its kind and cells go into
        ``result``), and the header block's value cells wanted (department, duties, goals)."""
        wanted: dict[str, GridCell] = {}
        for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            labels = self._cells(row[:1])
            label = labels[0].text
            if len(row) == 2 and (_is_label(label, DUTIES_LABEL) or _is_label(label, GOALS_LABEL)):
                if need_header:
                    wanted["duties" if _is_label(label, DUTIES_LABEL) else "goals"] = row[1]
                continue
            if len(row) == 2 and _is_label(label, DEPARTMENT_LABEL):
                wanted["department"] = row[1]
                continue
            texts = labels + self._cells(row[1:])
            kind = header_kind([t.text for t in texts])
            if kind is not None:
                result.kind = kind
                result.columns = list(zip(row, [t.text for t in texts]))
                result.column_cells = texts
                return r, wanted
        return None, wanted

    def _read_fragment(self, rows: list[list[GridCell]], result: PageRead) -> None:
        """The body rows of one of the seed's fragments, each cell corrected for its column."""
        body = [cell for row in rows for cell in row]
        columns = column_names(result.kind, result.columns)
        if result.kind is FragmentKind.SCORING and "remark" in columns and "score" not in columns:
            # the seed's 评/扣分标准 | 备注 with the score under 备注 (issue 11): the column is the
            # score when its cells, read as scores (marks by shape, specks dropped), are numbers
            remarks = [cell for cell in body if cell.col < len(columns) and columns[cell.col] == "remark"]
            as_scores = self._cells(remarks, ["score"] * len(remarks))
            if remark_holds_scores([name for name in dict.fromkeys(columns) if name],
                                   [cell.text for cell in as_scores]):
                columns = ["score" if name == "remark" else name for name in columns]
        names = [columns[cell.col] if cell.col < len(columns) else "" for cell in body]
        read = dict(zip(body, self._cells(body, names)))
        result.names = columns
        result.rows = [[(cell, read[cell]) for cell in row] for row in rows]


def _area(table: Table) -> float:
    return (table.xs[-1] - table.xs[0]) * (table.ys[-1] - table.ys[0])


def _is_label(text: str, pattern: re.Pattern) -> bool:
    body, had = strip_label(text.replace("(", "（").replace(")", "）"), pattern)
    return had and len(body.strip()) <= 2


def _inside(box, cell: GridCell, dpi: float) -> tuple[float, float, float, float]:
    """A text box widened a little (the detector trims the ink of thin glyphs such as
    "（" and "、") but kept inside the cell's ruling lines, which OCR would read as "1"."""
    inset = max(2.0, 1.2 * dpi / 72)
    height = box[3] - box[1]
    return (max(cell.x0 + inset, box[0] - 0.25 * height), max(cell.y0 + inset, box[1] - 2),
            min(cell.x1 - inset, box[2] + 0.25 * height), min(cell.y1 - inset, box[3] + 2))


# ---------------------------------------------------------------- filings

class _Pages:
    """What the pages of one filing gave, page by page: the grids of the seed's fragments (with the
    header block's values), or the parts of whole tables; a page heading indicator columns only gives
    both (see _read_table), and :meth:`seed` decides when every page is read."""

    def __init__(self, source: str, found: Extracted):
        self.source, self.found = source, found
        self.header: set[str] = set()  # the header block's values read so far: duties and goals are read once
        self.years: list[int] = []
        self.parts: list[tuple[TablePart, bool]] = []
        self.tolerance = 6.0 * DEFAULT_DPI / 72

    def add(self, page: PageImage, read: PageRead) -> None:
        entry = _page_route(page, read)
        if read.part is not None:
            self.parts.append((read.part, read.has_header))
            self.tolerance = 6.0 * page.dpi / 72
            if read.kind is None:
                entry.update(fragment="table", rows=len({c.row for c in read.part.table.cells}))
        if read.kind is not None or read.part is None:
            self.header |= set(read.header)
            if read.year:
                self.years.append(read.year)
            grid = page_grid(self.source, read)
            if grid is not None:
                self.found.grids.append(grid)
        self.found.pages.append(entry)

    def seed(self) -> bool:
        """The seed's split layout: some page heads the 指标解释 or 评(扣)分标准 fragment (as the
        text-layer reader decides it: pdf.split_layout)."""
        return any(grid.fragment in (FragmentKind.EXPLANATIONS, FragmentKind.SCORING) for grid in self.found.grids)


def extract_pages(source: str, data: bytes, pages: Iterable[PageImage], *,
                  engine: Optional[OcrEngine] = None) -> Extracted:
    """OCR page images into grids for the layout reader: a page of the seed's split layout as a grid tagged
    with its fragment (:func:`.ocr_assemble.page_grid`), a table of any other layout as the grids of its
    tables (``ocr_table``)."""
    reader = PageReader(source, engine)
    found = Extracted(filing=filing_id(data), source=source, route="ocr")
    seen = _Pages(source, found)
    columns: Optional[list[ColumnName]] = None  # the whole table the next page may continue
    for page in pages:
        read = reader.read(page, need_header=not {"duties", "goals"} <= seen.header,
                           need_year=not seen.years, columns=columns)
        columns = read.part.columns if read.part is not None else None
        seen.add(page, read)
    if seen.parts and not seen.seed():
        chains = chains_of(seen.parts, seen.tolerance)
        if chains:
            for entry in found.pages:
                if entry.get("fragment") == FragmentKind.INDICATORS.value:
                    entry["fragment"] = "table"
            return extracted(source, found.filing, chains, found.pages, found.errors, seen.tolerance)
    if not any(grid.fragment is not None for grid in found.grids):
        notes = "; ".join(f"page {p['page']}: {p['note']}" for p in found.pages if p.get("note"))
        raise ExtractionError(
            f"{source}: OCR found no performance-goal table on {len(found.pages)} page(s): none of the "
            "column headers 一级指标 / 指标解释 / 评(扣)分标准 was read" + (f" ({notes})" if notes else ""),
            code=ErrorCode.NO_TABLE)
    found.year_hint = seen.years[0] if seen.years else year_from_name(source)
    return found


def _page_route(page: PageImage, read: PageRead) -> PageRoute:
    """The manifest's line for a page of the split layout: its fragment and rows, or why it gave none."""
    entry: PageRoute = {"page": page.number, "route": "ocr", "dpi": round(page.dpi, 1), "skew": read.skew}
    if read.kind is not None:
        entry["fragment"] = read.kind.value
        entry["rows"] = len(read.rows)
    elif read.note:
        entry["note"] = read.note
    return entry


def extract_image(source: str, data: bytes) -> Extracted:
    """The "image" extractor: a PNG/JPEG/TIFF page (or multi-page TIFF) of a scanned filing."""
    return extract_pages(source, data, image_pages(data, source))


def extract_ocr_pages(source: str, data: bytes, pages: Optional[list[int]], *,
                      dpi: float = DEFAULT_DPI) -> Extracted:
    """OCR the given 1-based pages of a PDF (None = all), or every page of an image.

    For the PDF extractor: call it with the pages whose text layer is unusable
    (see ``route.page_routes``), then merge its fragment grids; ``Extracted.pages``
    says per page that it took the "ocr" route.
    """
    if data.startswith(b"%PDF"):
        return extract_pages(source, data, pdf_pages(data, source, pages, dpi))
    return extract_pages(source, data, image_pages(data, source))
