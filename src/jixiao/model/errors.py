"""The errors every stage shares: one base, one list of codes, one category per code.

Callers route on the *code* (or the type) of an error, never on its message
text: the message is for people (it names the file and what is wrong), the
code is for code and for whoever reads the outputs (``errors[].code`` in
filings.jsonl and manifest.jsonl). Every exception jixiao raises on purpose is a
:class:`JixiaoError` and carries a code, its class's unless it was given a more
precise one (an :class:`UnreadableFormat` may be ``empty_file`` or
``truncated_file``). ``ExtractionError`` and its subclasses mean "this source
cannot be read as a filing"; the runner turns any of them into a failed
manifest line with the error's code.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Optional


class ErrorCategory(str, Enum):
    """Where a problem lies, for a reader of the outputs who sorts them."""

    INPUT = "input"  # what was given: a file jixiao cannot read, a bad option, a reference document
    EXTRACTION = "extraction"  # reading a file that opens: pages skipped, no table found, OCR needed
    LAYOUT = "layout"  # the table: found but not understood, or its parts do not fit together
    REPAIR = "repair"  # restoring the text
    OUTPUT = "output"  # writing the outputs
    MEMORY = "memory"  # the repair memory's file
    BATCH = "batch"  # running the batch: a time-out, a worker that died or ran out of memory
    REVIEW = "review"  # the clerks' review app: a request refused, a decision in conflict


class ErrorCode(str, Enum):
    """What a problem is. The value is what the outputs say; a code is only ever added, never renamed."""

    # input
    NO_SUCH_FILE = "no_such_file"
    NOT_A_REGULAR_FILE = "not_a_regular_file"  # a FIFO, a socket, a device
    LINK_LOOP = "link_loop"
    DANGLING_LINK = "dangling_link"
    UNREADABLE_ENTRY = "unreadable_entry"  # a file or folder the system will not let us read
    EMPTY_FOLDER = "empty_folder"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNRELATED_FILE = "unrelated_file"  # a stylesheet, script or page image beside the filings
    OUTPUT_FOLDER = "output_folder"  # a convert's output folder met while walking the inputs: never an input
    INPUT_CHANGED = "input_changed"  # the file changed between being hashed and being read
    LEGACY_FORMAT = "legacy_format"  # .doc, .wps, .et: to be saved as .docx or .xlsx first
    EMPTY_FILE = "empty_file"
    CORRUPT_FILE = "corrupt_file"
    TRUNCATED_FILE = "truncated_file"
    ENCRYPTED = "encrypted"
    DECOMPRESSION_BOMB = "decompression_bomb"
    INPUT_TOO_LARGE = "input_too_large"  # issue 23's budgets: each names the limit and how to raise it
    TABLE_TOO_LARGE = "table_too_large"
    MERGED_AREA_TOO_LARGE = "merged_area_too_large"
    TOO_MANY_TABLES = "too_many_tables"
    NESTED_TOO_DEEP = "nested_too_deep"
    CELL_TOO_LONG = "cell_too_long"
    NUMBER_FORMAT_TOO_LONG = "number_format_too_long"
    TOO_MANY_LINES = "too_many_lines"
    UNDECODABLE_TEXT = "undecodable_text"
    BAD_OPTION = "bad_option"
    BAD_VOCABULARY = "bad_vocabulary"  # a vocabulary file that is not TOML, or has an unknown key or a bad value
    UNREADABLE_REFERENCE = "unreadable_reference"
    # extraction
    NO_TABLE = "no_table"
    NEEDS_OCR = "needs_ocr"
    PAGES_CAPPED = "pages_capped"
    OCR_PAGES_CAPPED = "ocr_pages_capped"
    PAGES_UNREADABLE = "pages_unreadable"  # pages pdfium cannot load
    PAGE_SKIPPED = "page_skipped"  # a page that names the columns but could not be read
    DUPLICATE_FRAGMENT = "duplicate_fragment"
    DEPARTMENTS_DIFFER = "departments_differ"
    CONTROLS_REMOVED = "controls_removed"  # NUL bytes, bidirectional controls
    MIXED_ENCODINGS = "mixed_encodings"
    MIRROR_TEXT = "mirror_text"  # a mirror's copy in traditional characters with pinyin: read as printed
    BYTES_REPLACED = "bytes_replaced"  # bytes not in the declared charset, replaced
    OCR_FOUND_NOTHING = "ocr_found_nothing"
    OCR_OTHER_LAYOUT = "ocr_other_layout"
    EXTRACTOR_CRASHED = "extractor_crashed"
    # layout
    LAYOUT_NOT_UNDERSTOOD = "layout_not_understood"
    UNKNOWN_LEVEL = "unknown_level"  # rows whose 一级指标 the taxonomy does not know
    FRAGMENT_MISSING = "fragment_missing"
    NO_INDICATOR_ROWS = "no_indicator_rows"
    ROW_COUNTS_DIFFER = "row_counts_differ"
    ROWS_DROPPED = "rows_dropped"  # rows of a table that gave no record (their lines in the reading report)
    # repair
    REPAIR_CRASHED = "repair_crashed"
    # output
    OUTPUT_FOLDER_UNUSABLE = "output_folder_unusable"
    UNKNOWN_OUTPUT_FORMAT = "unknown_output_format"
    INVALID_OUTPUT_LINE = "invalid_output_line"
    WARNINGS_CAPPED = "warnings_capped"  # the manifest lists the first few; filings.jsonl has them all
    # memory
    MEMORY_UNUSABLE = "memory_unusable"
    MEMORY_DAMAGED = "memory_damaged"
    # batch
    TIMED_OUT = "timed_out"
    OUT_OF_MEMORY = "out_of_memory"
    WORKER_DIED = "worker_died"
    TASK_FAILED = "task_failed"  # a task raised in a worker
    WORKERS_CANNOT_START = "workers_cannot_start"
    INTERNAL = "internal"  # a broken promise inside jixiao: a bug to report
    # review
    REQUEST_REFUSED = "request_refused"
    WRONG_HOST = "wrong_host"  # the request names another host than the server is bound to
    WRONG_ORIGIN = "wrong_origin"
    WRONG_TOKEN = "wrong_token"
    NOT_SIGNED_IN = "not_signed_in"
    DECISION_CONFLICT = "decision_conflict"
    BAD_ACTION = "bad_action"
    BAD_REQUEST = "bad_request"
    NOT_JSON = "not_json"
    VALUE_TOO_LONG = "value_too_long"
    BATCH_UNREADABLE = "batch_unreadable"
    SOURCE_UNAVAILABLE = "source_unavailable"
    NOT_FOUND = "not_found"  # no such item, or no such page of the app

    @property
    def category(self) -> ErrorCategory:
        return _CATEGORY[self]


def _categories() -> dict[ErrorCode, ErrorCategory]:
    """Each code's category: the codes are listed in category order, each group opened by its first."""
    firsts = {ErrorCode.NO_SUCH_FILE: ErrorCategory.INPUT, ErrorCode.NO_TABLE: ErrorCategory.EXTRACTION,
              ErrorCode.LAYOUT_NOT_UNDERSTOOD: ErrorCategory.LAYOUT, ErrorCode.REPAIR_CRASHED: ErrorCategory.REPAIR,
              ErrorCode.OUTPUT_FOLDER_UNUSABLE: ErrorCategory.OUTPUT, ErrorCode.MEMORY_UNUSABLE: ErrorCategory.MEMORY,
              ErrorCode.TIMED_OUT: ErrorCategory.BATCH, ErrorCode.REQUEST_REFUSED: ErrorCategory.REVIEW}
    out: dict[ErrorCode, ErrorCategory] = {}
    category = ErrorCategory.INPUT
    for code in ErrorCode:
        category = firsts.get(code, category)
        out[code] = category
    return out


_CATEGORY = _categories()


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose. ``code`` says what it is: the class's
    :attr:`default_code`, or a more precise one given as ``code=``."""

    default_code: ClassVar[ErrorCode] = ErrorCode.INTERNAL

    def __init__(self, *args: object, code: Optional[ErrorCode] = None) -> None:
        super().__init__(*args)
        self.code: ErrorCode = code if code is not None else type(self).default_code

    @property
    def category(self) -> ErrorCategory:
        return self.code.category

    def __reduce__(self) -> Any:
        # an error crosses to a worker process or back with its code and every attribute, whatever the
        # subclass's constructor takes
        return _rebuild, (type(self), self.args, dict(self.__dict__))


def _rebuild(cls: type, args: tuple[object, ...], state: dict[str, object]) -> "JixiaoError":
    error: JixiaoError = Exception.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ExtractionError(JixiaoError):
    """The source cannot be read as a filing. The message names what is wrong."""

    default_code = ErrorCode.NO_TABLE


class NeedsOcr(ExtractionError):
    """A PDF's text layer is unusable where the table should be; OCR may read the pages. ``broken``: the
    pages pdfium could not load, which neither reader saw."""

    default_code = ErrorCode.NEEDS_OCR
    broken: tuple[int, ...] = ()


class EncryptedPdf(ExtractionError):
    """The PDF is encrypted and does not open with an empty user password."""

    default_code = ErrorCode.ENCRYPTED


class UnreadableFormat(ExtractionError):
    """The bytes are not a readable file of the format they claim (empty, corrupt, truncated, too large)."""

    default_code = ErrorCode.CORRUPT_FILE


class NotAFiling(ExtractionError):
    """The file reads, but holds no performance-goal table."""

    default_code = ErrorCode.NO_TABLE


CLI_FLAGS = {"max_pages": "--max-pages"}
"""The limits that ``jixiao convert`` also takes as a flag."""


class LimitExceeded(UnreadableFormat):
    """The source passes one of the extraction's limits (issue 23): it is not read further.

    ``limit`` names the setting (a ``ConvertOptions`` field and the ``JIXIAO_<LIMIT>`` variable),
    ``allowed`` its value; the message says what was found and how to raise the limit. One subclass
    per kind of limit, so that callers (and error codes) can tell them apart by type.
    """

    def __init__(self, source: str, what: str, *, limit: str, allowed: int) -> None:
        self.source, self.what, self.limit, self.allowed = source, what, limit, allowed
        unit = " MB" if limit.endswith("_mb") else ""
        ways = [f"ConvertOptions({limit}=…)", f"JIXIAO_{limit.upper()}=…"]
        if limit in CLI_FLAGS:
            ways.insert(0, CLI_FLAGS[limit])
        super().__init__(f"{source}: {what}, more than the limit {limit} = {allowed:,}{unit}; not read "
                         f"(to read it anyway, raise the limit: {', '.join(ways)})")


class InputTooLarge(LimitExceeded):
    """The file is larger than an input of its kind may be (``max_input_mb``, ``max_text_mb``)."""

    default_code = ErrorCode.INPUT_TOO_LARGE


class DecompressionBomb(LimitExceeded):
    """A compressed PDF stream or zip part inflates past its limit (``max_inflated_mb``, ``max_part_mb``)."""

    default_code = ErrorCode.DECOMPRESSION_BOMB


class TableTooLarge(LimitExceeded):
    """A table or sheet spans more rows × columns than ``max_cells``."""

    default_code = ErrorCode.TABLE_TOO_LARGE


class MergedAreaTooLarge(LimitExceeded):
    """The merged ranges or spans of a table cover more cells than ``max_merged_cells``."""

    default_code = ErrorCode.MERGED_AREA_TOO_LARGE


class TooManyTables(LimitExceeded):
    """A page or document holds more tables than ``max_tables``."""

    default_code = ErrorCode.TOO_MANY_TABLES


class NestedTooDeep(LimitExceeded):
    """Elements nest deeper than ``max_depth``."""

    default_code = ErrorCode.NESTED_TOO_DEEP


class CellTooLong(LimitExceeded):
    """A cell holds more characters than ``max_cell_chars``."""

    default_code = ErrorCode.CELL_TOO_LONG


class NumberFormatTooLong(LimitExceeded):
    """A number format of a workbook is longer than ``max_format_chars``."""

    default_code = ErrorCode.NUMBER_FORMAT_TOO_LONG


class TooManyLines(LimitExceeded):
    """A document has more lines (paragraphs, table rows) than ``max_lines``."""

    default_code = ErrorCode.TOO_MANY_LINES


class ReferenceFileError(JixiaoError):
    """A reference document given with ``--reference`` cannot be read."""

    default_code = ErrorCode.UNREADABLE_REFERENCE


class InternalError(JixiaoError):
    """A promise inside jixiao was broken (a cache entry vanished, a phase ran out of order): a bug."""

    default_code = ErrorCode.INTERNAL


class EngineError(JixiaoError):
    """The engine cannot run the batch at all: its workers die as they start (a ``--worker-memory``
    below what a worker needs), or the Dask scheduler cannot be reached. The message says which and
    the way on; no input was converted."""

    default_code = ErrorCode.WORKERS_CANNOT_START


__all__ = [
    "CellTooLong", "DecompressionBomb", "EncryptedPdf", "EngineError", "ErrorCategory", "ErrorCode",
    "ExtractionError", "InputTooLarge", "InternalError", "JixiaoError", "LimitExceeded", "MergedAreaTooLarge",
    "NeedsOcr", "NestedTooDeep", "NotAFiling", "NumberFormatTooLong", "ReferenceFileError", "TableTooLarge",
    "TooManyLines", "TooManyTables", "UnreadableFormat",
]
