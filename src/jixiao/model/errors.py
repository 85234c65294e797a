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


class ReferenceFileError(JixiaoError):
    """A reference document given with ``--reference`` cannot be read."""


__all__ = [
    "EncryptedPdf", "ExtractionError", "JixiaoError", "NeedsOcr", "NotAFiling",
    "ReferenceFileError", "UnreadableFormat",
]
