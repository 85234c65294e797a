"""What every extractor shares: the error type, filing ids and the registry."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Callable, Optional

from ..pipeline.datamodel import Filing


class ExtractionError(Exception):
    """The source cannot be read as a filing. The message names what is wrong."""


def filing_id(data: bytes) -> str:
    """A stable id for a filing: the same bytes give the same id on every machine."""
    return hashlib.sha256(data).hexdigest()[:16]


YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def year_from_name(path: str) -> Optional[int]:
    match = YEAR_IN_NAME.search(Path(path).name)
    return int(match.group(1)) if match else None


Extractor = Callable[[str, bytes], Filing]
"""An extractor takes the input path as given and its bytes, and returns a Filing."""

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ""}


def choose_extractor(path: str, data: bytes) -> str:
    """Name of the extractor for a source, by its content first and its suffix second."""
    if data.startswith(b"%PDF") or Path(path).suffix.lower() == ".pdf":
        return "pdf"
    if data[:8].startswith(b"\x89PNG") or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    return "text"
