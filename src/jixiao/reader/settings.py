"""The reader's costs and thresholds, in one validated object that travels with every task.

They used to be module constants scattered over the reader; now a batch sends a
:class:`ReaderSettings` with each task (like the extraction limits), the cache key hashes it,
and a test or a user may change one without touching the code. A bad value names the setting.
"""

from __future__ import annotations

import contextlib
import hashlib
from contextvars import ContextVar
from typing import Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field


class ReaderSettings(BaseModel):
    """Every number the reader decides by. Frozen and picklable: it is data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    misfit_worst: float = Field(-2.0, description="a row whose worst-placed cell scores at or below this fits "
                                "no column (the aligner's per-cell scores run from -6 to 3)")
    end_after_misfits: int = Field(3, ge=1, le=100, description="consecutive rows that fit no column after "
                                   "which a text table has ended (rows after it are not read)")
    low_fit: float = Field(0.25, ge=0.0, le=1.0, description="a row that fits its columns worse than this "
                           "(0-1) is read, but flagged for review")
    role_from_cells: float = Field(0.6, ge=0.0, le=1.0, description="how sure (0-1) a column's cells must make "
                                   "the reader of a role to read the column by them where its header names none")
    role_override: float = Field(0.85, ge=0.0, le=1.0, description="how sure (0-1) the cells must be to "
                                 "overrule a header name that says otherwise")
    headerless_min_rows: int = Field(2, ge=1, le=100, description="rows a table without a header must have for "
                                     "its columns to be told from their cells alone")

    def digest(self) -> str:
        """A digest of every setting, for cache keys."""
        return hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()[:16]


_CURRENT: ContextVar[ReaderSettings] = ContextVar("jixiao_reader_settings", default=ReaderSettings())


def current() -> ReaderSettings:
    """The settings in force for the reading running in this thread (the defaults outside one)."""
    return _CURRENT.get()


@contextlib.contextmanager
def using(settings: Optional[ReaderSettings]) -> Iterator[ReaderSettings]:
    """Read under ``settings`` inside the block (None: keep the settings in force)."""
    if settings is None:
        yield current()
        return
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)
