"""The limits an extraction runs under, handed to it as data.

Reading a hostile or huge source is bounded by a few numbers (pages searched,
pages sent to OCR, how far one compressed stream may inflate, OCR threads).
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

DEFAULT_MAX_PAGES = 1000
"""Pages scanned for the table; a disclosure is a few dozen to a few hundred pages."""
DEFAULT_MAX_OCR_PAGES = 60
"""OCR costs seconds a page: past this many pages a scanned PDF is read only up to the cap."""
DEFAULT_MAX_INFLATED_MB = 256
"""Per compressed stream. A 300-dpi RGB page image inflates to ~26 MB; fonts to a few MB."""


# The four limits as annotated types, so that the options and the settings
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
    description="megabytes one compressed PDF stream may inflate to before the file is refused "
    "as a decompression bomb (`JIXIAO_MAX_INFLATED_MB`)")]
OcrThreads = Annotated[int, Field(
    ge=0, le=256,
    description="threads of the OCR recogniser per worker process; 0 picks up to 2 "
    "(`JIXIAO_OCR_THREADS`)")]


UNHASHED = frozenset({"ocr_threads"})
"""Limits that do not change what an input reads as (so a change keeps the cache)."""


class ExtractionLimits(BaseModel):
    """What one extraction may cost. Immutable, picklable: it travels to workers with each task."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_pages: MaxPages = DEFAULT_MAX_PAGES
    max_ocr_pages: MaxOcrPages = DEFAULT_MAX_OCR_PAGES
    max_inflated_mb: MaxInflatedMb = DEFAULT_MAX_INFLATED_MB
    ocr_threads: OcrThreads = 0

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
