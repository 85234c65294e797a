"""What every extractor shares: the error type, filing ids and the registry."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Callable, Optional

from ..model import Filing


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
    if data.startswith(PAGE_SET_MAGIC):
        return "pages"
    if data.startswith(b"%PDF") or Path(path).suffix.lower() == ".pdf":
        return "pdf"
    if data[:8].startswith(b"\x89PNG") or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    return "text"


# A scanned filing often arrives as one image per page: a folder named
# "<name>.pages/" holding them is one input. Its pages travel as one bytes
# blob (so that a Dask worker needs no shared file system) in this container.
PAGE_SET_SUFFIX = ".pages"
PAGE_SET_MAGIC = b"JIXIAO-PAGE-SET\n"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def natural_key(name: str) -> list:
    """'p10.png' after 'p9.png': digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def page_set_files(folder: Path) -> list[Path]:
    """The page images of a page-set folder, in page order."""
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                   and not p.name.startswith(".")), key=lambda p: natural_key(p.name))


def pack_page_set(folder: Path) -> bytes:
    parts = [PAGE_SET_MAGIC]
    for path in page_set_files(folder):
        data = path.read_bytes()
        name = os.fsencode(path.name)  # any byte string: a page image's name need not be UTF-8
        parts.append(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big") + data)
    return b"".join(parts)


def unpack_page_set(data: bytes, source: str) -> list[tuple[str, bytes]]:
    pages, position = [], len(PAGE_SET_MAGIC)
    try:
        while position < len(data):
            size = int.from_bytes(data[position:position + 4], "big")
            # named in messages only: bytes that are not UTF-8 are shown as \xHH
            name = data[position + 4:position + 4 + size].decode("utf-8", "backslashreplace")
            position += 4 + size
            length = int.from_bytes(data[position:position + 8], "big")
            pages.append((name, data[position + 8:position + 8 + length]))
            position += 8 + length
    except (UnicodeDecodeError, ValueError):
        raise ExtractionError(f"{source}: damaged page set") from None
    if not pages:
        raise ExtractionError(f"{source}: the page folder holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return pages


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → '1-3, 7, 9-10', for messages that name pages or lines."""
    out, start = [], numbers[0]
    for a, b in zip(numbers, numbers[1:] + [None]):
        if b != a + 1:
            out.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ", ".join(out)
