"""The layout reader's failure: a table it did not understand."""

from __future__ import annotations

from ..model.errors import ErrorCode, NotAFiling


class LayoutNotUnderstood(NotAFiling):
    """No indicator table this reader understands: the message says what was seen and what is missing."""

    default_code = ErrorCode.LAYOUT_NOT_UNDERSTOOD
