"""The shared data model of every stage: the leaf of the package.

It imports nothing else of jixiao. Extractors turn a source into :class:`Grid`s
(``grid.py``); the layout reader turns a grid into a :class:`Filing` of rows of
named cells; repair and the joiner make :class:`Record`s (``filing.py``).
The error hierarchy and the error codes are in ``errors.py``; small text helpers (CJK tests, Chinese
numerals) in ``text.py``; the standard vocabularies (indicator taxonomy,
operators, units) in ``vocabulary.py``.
"""

from .filing import (
    ADDED_RECORD_FIELDS,
    NATIONAL_FIELDS,
    CONTROLS_FLAG,
    DOCUMENT_KINDS,
    NUMBER_FIELDS,
    RECORD_DETAIL_FIELDS,
    SCHEMA_VERSION,
    BudgetItem,
    GAP,
    INDICATOR_COLUMNS,
    RECORD_TEXT_FIELDS,
    Candidate,
    Cell,
    Cleaned,
    ErrorItem,
    Evidence,
    FieldStatus,
    Filing,
    FilingResult,
    FilingStatus,
    Fragment,
    FragmentKind,
    HeaderItem,
    HeaderValue,
    ManifestEntry,
    PageRoute,
    Provenance,
    Record,
    RepairedField,
    ReviewItem,
    Row,
    REVIEW_STATUSES,
    Severity,
    filing_needs_review,
    lost_characters,
    needs_review,
)
from .errors import (
    EncryptedPdf,
    ErrorCategory,
    ErrorCode,
    ExtractionError,
    InternalError,
    JixiaoError,
    NeedsOcr,
    NotAFiling,
    ReferenceFileError,
    UnreadableFormat,
)
from .grid import Extracted, Grid, GridCell
from .report import ColumnReport, DroppedRow, LearnedLayout, ReadingReport, SkippedTable, TableReport

__all__ = [
    "ADDED_RECORD_FIELDS", "NATIONAL_FIELDS", "DOCUMENT_KINDS", "NUMBER_FIELDS", "RECORD_DETAIL_FIELDS", "SCHEMA_VERSION", "BudgetItem",
    "GAP", "INDICATOR_COLUMNS", "RECORD_TEXT_FIELDS", "REVIEW_STATUSES",
    "Candidate", "Cell", "Cleaned", "ErrorItem", "Evidence", "FieldStatus", "Filing", "FilingResult",
    "FilingStatus", "Fragment", "FragmentKind", "HeaderItem", "HeaderValue", "ManifestEntry", "PageRoute",
    "Provenance", "Record", "Extracted", "Grid", "GridCell", "RepairedField", "ReviewItem", "Row", "Severity",
    "filing_needs_review", "lost_characters", "needs_review", "CONTROLS_FLAG",
    "EncryptedPdf", "ErrorCategory", "ErrorCode", "ExtractionError", "InternalError", "JixiaoError", "NeedsOcr",
    "NotAFiling", "ReferenceFileError", "UnreadableFormat",
    "ColumnReport", "DroppedRow", "LearnedLayout", "ReadingReport", "SkippedTable", "TableReport",
]
