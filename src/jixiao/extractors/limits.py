"""The limits an extraction runs under, handed to it as data.

Reading a hostile or huge source is bounded by a few numbers: how big an input
may be, how far one compressed PDF stream or one part of a workbook or Word
document may inflate, how many cells, merged cells, tables, lines and nesting
levels one document may hold, how long a cell or a number format may be, and
pages searched and sent to OCR (issue 23: before these, a 2.4 KB workbook took
3.5 GB). Each is checked *before* the work it bounds, and a source past one
fails with a :class:`~jixiao.model.errors.LimitExceeded` whose message names
the limit and the setting that raises it.

They used to be read from ``JIXIAO_*`` environment variables wherever they
were needed, so a remote Dask worker never saw ``--max-pages`` (issue 11).
Now the batch passes an :class:`ExtractionLimits` with every extraction task
(``extract(source, data, limits)``) and the extractors read the limits in
force with :func:`current`. Nothing here reads the environment: the settings
that come from ``JIXIAO_*`` variables are read in one place,
:mod:`jixiao.pipeline.options`.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Annotated, Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..model.errors import LimitExceeded

DEFAULT_MAX_PAGES = 1000
"""Pages scanned for the table; a disclosure is a few dozen to a few hundred pages."""
DEFAULT_MAX_OCR_PAGES = 60
"""OCR costs seconds a page: past this many pages a scanned PDF is read only up to the cap."""
DEFAULT_MAX_INFLATED_MB = 256
"""Per compressed stream. A 300-dpi RGB page image inflates to ~26 MB; fonts to a few MB."""
DEFAULT_MAX_INPUT_MB = 256
"""Any input: a scanned disclosure of a few hundred pages is tens of MB."""
DEFAULT_MAX_TEXT_MB = 2
"""A text dump: a whole disclosure as text is a few hundred KB. The text reader reads ~40,000
characters a second in its slowest forms (one long line, many short ones): 2 MB is ~20 s at worst."""
DEFAULT_MAX_PAGE_MB = 16
"""A saved web page (inline images make some large); parsed, it takes ten times its size."""
DEFAULT_MAX_PART_MB = 64
"""Per part of a workbook or Word document, inflated: a filing's sheet is well under one MB."""
DEFAULT_MAX_CELLS = 200_000
"""Rows × columns of one table or sheet: a filing's table is a few hundred cells, a budget sheet a few
thousand."""
DEFAULT_MAX_MERGED_CELLS = 200_000
"""Cells covered by the merged ranges (or row and column spans) of one table."""
DEFAULT_MAX_TABLES = 1_000
"""Tables in one web page or Word document (old pages lay out with tables: dozens)."""
DEFAULT_MAX_DEPTH = 512
"""Elements nested in one another in a web page or Word document (a real page: 20 to 40)."""
DEFAULT_MAX_CELL_CHARS = 1_000_000
"""Characters of one cell (a long explanation is a few hundred)."""
DEFAULT_MAX_FORMAT_CHARS = 255
"""Characters of one number format of a workbook: Excel's own limit."""
DEFAULT_MAX_LINES = 200_000
"""Lines of a text dump, or paragraphs and table rows of a web page or Word document."""


# The limits as annotated types, so that the options and the settings
# (jixiao.pipeline.options) validate them with the same ranges and descriptions.
MaxPages = Annotated[int, Field(
    ge=1, le=1_000_000,
    description="PDF pages searched for the table; pages past it are skipped with a warning "
    "in the manifest (`--max-pages`, `JIXIAO_MAX_PAGES`)")]
MaxOcrPages = Annotated[int, Field(
    ge=1, le=100_000,
    description="pages of one PDF sent to OCR at most; the rest are skipped with a warning "
    "(`JIXIAO_MAX_OCR_PAGES`)")]
MaxInflatedMb = Annotated[int, Field(
    ge=1, le=1 << 24,
    description="megabytes one compressed PDF stream may inflate to (whatever its filters) before the "
    "file is refused as a decompression bomb (`JIXIAO_MAX_INFLATED_MB`)")]
OcrThreads = Annotated[int, Field(
    ge=0, le=256,
    description="threads of the OCR recogniser per worker process; 0 picks up to 2 "
    "(`JIXIAO_OCR_THREADS`)")]
MaxInputMb = Annotated[int, Field(
    ge=1, le=1 << 20,
    description="megabytes of one input file; a larger one fails without being read (`JIXIAO_MAX_INPUT_MB`)")]
MaxTextMb = Annotated[int, Field(
    ge=1, le=1 << 20,
    description="megabytes of one text dump (.txt, .csv); a larger one fails without being decoded "
    "(`JIXIAO_MAX_TEXT_MB`)")]
MaxPageMb = Annotated[int, Field(
    ge=1, le=1 << 20,
    description="megabytes of one web page (.html); a larger one fails without being parsed "
    "(`JIXIAO_MAX_PAGE_MB`)")]
MaxPartMb = Annotated[int, Field(
    ge=1, le=1 << 20,
    description="megabytes one part of a workbook or Word document (.xlsx, .docx) may inflate to "
    "(`JIXIAO_MAX_PART_MB`)")]
MaxCells = Annotated[int, Field(
    ge=1, le=1 << 40,
    description="rows × columns of one table or sheet (`JIXIAO_MAX_CELLS`)")]
MaxMergedCells = Annotated[int, Field(
    ge=1, le=1 << 40,
    description="cells covered by the merged ranges, row spans and column spans of one table "
    "(`JIXIAO_MAX_MERGED_CELLS`)")]
MaxTables = Annotated[int, Field(
    ge=1, le=1 << 30,
    description="tables in one web page or Word document (`JIXIAO_MAX_TABLES`)")]
MaxDepth = Annotated[int, Field(
    ge=8, le=2000,
    description="elements nested in one another in a web page or Word document (`JIXIAO_MAX_DEPTH`; at most "
    "2000, the HTML parser's own limit)")]
MaxCellChars = Annotated[int, Field(
    ge=1, le=1 << 40,
    description="characters of one cell, or of one line of a text dump (`JIXIAO_MAX_CELL_CHARS`)")]
MaxFormatChars = Annotated[int, Field(
    ge=1, le=1 << 30,
    description="characters of one number format of a workbook (`JIXIAO_MAX_FORMAT_CHARS`)")]
MaxLines = Annotated[int, Field(
    ge=1, le=1 << 40,
    description="lines of a text dump, or paragraphs and table rows of a web page or Word document "
    "(`JIXIAO_MAX_LINES`)")]


UNHASHED = frozenset({"ocr_threads"})
"""Limits that do not change what an input reads as (so a change keeps the cache)."""


class ExtractionLimits(BaseModel):
    """What one extraction may cost. Immutable, picklable: it travels to workers with each task."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pages: MaxPages = DEFAULT_MAX_PAGES
    max_ocr_pages: MaxOcrPages = DEFAULT_MAX_OCR_PAGES
    max_inflated_mb: MaxInflatedMb = DEFAULT_MAX_INFLATED_MB
    ocr_threads: OcrThreads = 0
    max_input_mb: MaxInputMb = DEFAULT_MAX_INPUT_MB
    max_text_mb: MaxTextMb = DEFAULT_MAX_TEXT_MB
    max_page_mb: MaxPageMb = DEFAULT_MAX_PAGE_MB
    max_part_mb: MaxPartMb = DEFAULT_MAX_PART_MB
    max_cells: MaxCells = DEFAULT_MAX_CELLS
    max_merged_cells: MaxMergedCells = DEFAULT_MAX_MERGED_CELLS
    max_tables: MaxTables = DEFAULT_MAX_TABLES
    max_depth: MaxDepth = DEFAULT_MAX_DEPTH
    max_cell_chars: MaxCellChars = DEFAULT_MAX_CELL_CHARS
    max_format_chars: MaxFormatChars = DEFAULT_MAX_FORMAT_CHARS
    max_lines: MaxLines = DEFAULT_MAX_LINES

    def cache_parts(self) -> tuple[str, ...]:
        """What the extraction cache key hashes: every limit (a new one is hashed without being listed
        here), but the OCR threads, which change how fast a page is read, not what it reads as."""
        return tuple(f"{name}={getattr(self, name)}" for name in type(self).model_fields if name not in UNHASHED)


_CURRENT: ContextVar[ExtractionLimits] = ContextVar("jixiao_extraction_limits", default=ExtractionLimits())


def current() -> ExtractionLimits:
    """The limits in force for the extraction running in this thread (the defaults outside one)."""
    return _CURRENT.get()


@contextlib.contextmanager
def applied(limits: Optional[ExtractionLimits]) -> Iterator[ExtractionLimits]:
    """Run an extraction under ``limits`` (None: keep the limits already in force)."""
    if limits is None:
        yield current()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def allowed(name: str) -> int:
    """The value of limit ``name`` in force, in its own unit (megabytes for ``*_mb``)."""
    return int(getattr(current(), name))


def in_bytes(name: str) -> int:
    """A ``*_mb`` limit in force, in bytes."""
    return allowed(name) << 20


def require(source: str, found: int, name: str, error: type[LimitExceeded], what: str) -> None:
    """Raise ``error`` when ``found`` passes limit ``name`` (a ``*_mb`` limit compares bytes): ``what``
    says what was found, e.g. "sheet 'Sheet1' spans 1,000,000 rows × 1 column"."""
    limit = in_bytes(name) if name.endswith("_mb") else allowed(name)
    if found > limit:
        raise error(source, what, limit=name, allowed=allowed(name))
