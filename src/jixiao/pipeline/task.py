"""What every extraction-and-reading task runs under, sent with the task to whatever runs it.

A worker of the local pool or of a Dask cluster shares nothing with the process that started the
batch: not its environment, not a vocabulary a caller extended in Python, not a changed reader
setting. So the batch builds one :class:`TaskSettings` (the extraction limits, the vocabulary in
force, the reader's settings, a forced text form) and sends it with every task; the task applies
it around its work (:meth:`TaskSettings.applied`), and the extraction cache key hashes it.
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..extractors.limits import ExtractionLimits, applied as limits_applied
from ..extractors.text_forms import forced_form
from ..layout.vocabulary_file import Vocabulary, current as current_vocabulary, using as vocabulary_used
from ..model import LearnedLayout
from ..reader.learned import current as learned_current, digest as learned_digest, using as learned_used
from ..reader.settings import ReaderSettings, using as reader_settings_used


class TaskSettings(BaseModel):
    """Everything that shapes what one input reads as, apart from its bytes. Frozen and picklable."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    limits: ExtractionLimits = Field(default_factory=ExtractionLimits)
    vocabulary: Vocabulary = Field(default_factory=current_vocabulary,
                                   description="the layout vocabulary in force when the batch started")
    reader: ReaderSettings = Field(default_factory=ReaderSettings)
    text_form: Optional[str] = Field(None, description="read every text dump in this form (--text-form)")
    learned: tuple[LearnedLayout, ...] = Field(default_factory=learned_current,
                                               description="clerks' learned layouts (from the repair memory)")

    def cache_parts(self) -> tuple[str, ...]:
        """What the extraction cache key hashes, beside the bytes and the code."""
        return (*self.limits.cache_parts(), f"vocabulary={self.vocabulary.digest}",
                f"reader={self.reader.digest()}", f"text_form={self.text_form}",
                f"learned={learned_digest(self.learned) if self.learned else 'none'}")

    @contextlib.contextmanager
    def applied(self) -> Iterator["TaskSettings"]:
        """Run a task under these settings."""
        with limits_applied(self.limits), vocabulary_used(self.vocabulary), \
                reader_settings_used(self.reader), forced_form(self.text_form), learned_used(self.learned):
            yield self
