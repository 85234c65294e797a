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
    LEGACY_FORMAT = "legacy_format"  # .doc, .wps, .et: to be saved as .docx or .xlsx first
    EMPTY_FILE = "empty_file"
    CORRUPT_FILE = "corrupt_file"
    TRUNCATED_FILE = "truncated_file"
    ENCRYPTED = "encrypted"
    DECOMPRESSION_BOMB = "decompression_bomb"
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
    """A PDF's text layer is unusable where the table should be; OCR may read the pages."""

    default_code = ErrorCode.NEEDS_OCR


class EncryptedPdf(ExtractionError):
    """The PDF is encrypted and does not open with an empty user password."""

    default_code = ErrorCode.ENCRYPTED


class UnreadableFormat(ExtractionError):
    """The bytes are not a readable file of the format they claim (empty, corrupt, truncated, too large)."""

    default_code = ErrorCode.CORRUPT_FILE


class NotAFiling(ExtractionError):
    """The file reads, but holds no performance-goal table."""

    default_code = ErrorCode.NO_TABLE


class ReferenceFileError(JixiaoError):
    """A reference document given with ``--reference`` cannot be read."""

    default_code = ErrorCode.UNREADABLE_REFERENCE


class InternalError(JixiaoError):
    """A promise inside jixiao was broken (a cache entry vanished, a phase ran out of order): a bug."""

    default_code = ErrorCode.INTERNAL


__all__ = [
    "EncryptedPdf", "ErrorCategory", "ErrorCode", "ExtractionError", "InternalError", "JixiaoError", "NeedsOcr",
    "NotAFiling", "ReferenceFileError", "UnreadableFormat",
]
