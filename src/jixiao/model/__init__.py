"""The shared data model of every stage: the leaf of the package.

It imports nothing else of jixiao. Extractors turn a source into :class:`Grid`s
(``grid.py``); the layout reader turns a grid into a :class:`Filing` of rows of
named cells; repair and the joiner make :class:`Record`s (``filing.py``).
"""

from .filing import (
    ADDED_RECORD_FIELDS,
    DOCUMENT_KINDS,
    NUMBER_FIELDS,
    RECORD_DETAIL_FIELDS,
    SCHEMA_VERSION,
    BudgetItem,
    EXPLANATION_COLUMNS,
    GAP,
    INDICATOR_COLUMNS,
    RECORD_TEXT_FIELDS,
    SCORING_COLUMNS,
    Candidate,
    Cell,
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
    Provenance,
    Record,
    RepairedField,
    ReviewItem,
    Row,
    Severity,
)
from .grid import Extracted, Grid, GridCell

__all__ = [
    "ADDED_RECORD_FIELDS", "DOCUMENT_KINDS", "NUMBER_FIELDS", "RECORD_DETAIL_FIELDS", "SCHEMA_VERSION", "BudgetItem",
    "EXPLANATION_COLUMNS", "GAP", "INDICATOR_COLUMNS", "RECORD_TEXT_FIELDS", "SCORING_COLUMNS",
    "Candidate", "Cell", "ErrorItem", "Evidence", "FieldStatus", "Filing", "FilingResult",
    "FilingStatus", "Fragment", "FragmentKind", "HeaderItem", "HeaderValue", "ManifestEntry",
    "Provenance", "Record", "Extracted", "Grid", "GridCell", "RepairedField", "ReviewItem", "Row", "Severity",
]
