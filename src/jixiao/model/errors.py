"""The exceptions every stage shares.

Callers route on the *type* of an error, never on its message text: the
message is for people (it names the file and what is wrong), the class is for
code. ``ExtractionError`` and its subclasses mean "this source cannot be read
as a filing"; the runner turns any of them into a failed manifest line.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""


class ExtractionError(JixiaoError):
    """The source cannot be read as a filing. The message names what is wrong."""


class NeedsOcr(ExtractionError):
    """A PDF's text layer is unusable where the table should be; OCR may read the pages."""


class EncryptedPdf(ExtractionError):
    """The PDF is encrypted and does not open with an empty user password."""


class UnreadableFormat(ExtractionError):
    """The bytes are not a readable file of the format they claim (empty, corrupt, truncated, too large)."""


class NotAFiling(ExtractionError):
    """The file reads, but holds no performance-goal table."""


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


class DecompressionBomb(LimitExceeded):
    """A compressed PDF stream or zip part inflates past its limit (``max_inflated_mb``, ``max_part_mb``)."""


class TableTooLarge(LimitExceeded):
    """A table or sheet spans more rows × columns than ``max_cells``."""


class MergedAreaTooLarge(LimitExceeded):
    """The merged ranges or spans of a table cover more cells than ``max_merged_cells``."""


class TooManyTables(LimitExceeded):
    """A page or document holds more tables than ``max_tables``."""


class NestedTooDeep(LimitExceeded):
    """Elements nest deeper than ``max_depth``."""


class CellTooLong(LimitExceeded):
    """A cell holds more characters than ``max_cell_chars``."""


class NumberFormatTooLong(LimitExceeded):
    """A number format of a workbook is longer than ``max_format_chars``."""


class TooManyLines(LimitExceeded):
    """A document has more lines (paragraphs, table rows) than ``max_lines``."""


class ReferenceFileError(JixiaoError):
    """A reference document given with ``--reference`` cannot be read."""


class EngineError(JixiaoError):
    """The engine cannot run the batch at all: its workers die as they start (a ``--memory-limit``
    below what a worker needs), or the Dask scheduler cannot be reached. The message says which and
    the way on; no input was converted."""


__all__ = [
    "CellTooLong", "DecompressionBomb", "EncryptedPdf", "EngineError", "ExtractionError", "InputTooLarge",
    "JixiaoError", "LimitExceeded", "MergedAreaTooLarge", "NeedsOcr", "NestedTooDeep", "NotAFiling",
    "NumberFormatTooLong", "ReferenceFileError", "TableTooLarge", "TooManyLines", "TooManyTables",
    "UnreadableFormat",
]
