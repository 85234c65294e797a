"""Manifest lines for inputs that give no filing: failed or skipped, their message bounded."""

from __future__ import annotations

from ..model import ErrorCode, ErrorItem, FilingStatus, ManifestEntry, Severity

MAX_MESSAGE_CHARS = 2_000
"""The longest message a manifest line holds (issue 23: 10,000 nested tables gave an 11.5 KB error)."""


def bounded(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}… ({len(message) - limit} more characters not shown)"


def failed_entry(source: str, message: str, *, code: ErrorCode, component: str = "extract") -> ManifestEntry:
    """The manifest line of an input that failed, with ``message`` (bounded) as its error and its code."""
    message = bounded(message)
    return ManifestEntry(source=source, filing=None, status=FilingStatus.FAILED, error=message,
                         errors=[ErrorItem(code=code, component=component, message=message)])


def skipped_entry(source: str, message: str, *, code: ErrorCode, unrelated: bool = False) -> ManifestEntry:
    """The manifest line of an input that was not read, and why (``unrelated``: no filing at all)."""
    message = bounded(message)
    return ManifestEntry(source=source, filing=None, status=FilingStatus.SKIPPED, error=message,
                         errors=[ErrorItem(code=code, component="extract", severity=Severity.WARNING,
                                           message=message)],
                         unrelated=unrelated)
