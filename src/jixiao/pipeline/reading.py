"""Reading inputs in bounded pieces: the batch's process never holds an input whole.

The batch needs an input's content hash (for the cache key and the filing id)
before it decides whether the input must be extracted at all. It used to read
every input whole to hash it and then ship the bytes to a worker, so a 1 GB
text file took 2.1 GB of the parent, outside any worker's memory limit
(issue 23). Now the parent hashes in 1 MB pieces (:func:`fingerprint`), and the
worker reads the file itself (:func:`read_source`), refusing one larger than
``max_input_mb`` before reading a byte of it, and one that changed since it was
hashed. Only a remote Dask cluster, which shares no file system with us, gets
the bytes from the parent (read under the same cap).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from ..extractors.base import PAGE_SET_MAGIC, PAGE_SET_SUFFIX, page_set_files
from ..extractors.limits import ExtractionLimits, applied, in_bytes
from ..model import ManifestEntry
from ..model.errors import ErrorCode, InputTooLarge
from .entries import failed_entry
from .inputs import display_name, not_a_regular_file

PIECE = 1 << 20
"""Bytes read at a time while hashing."""

__all__ = ["Fingerprint", "fingerprint", "read_source"]


@dataclass(frozen=True)
class Fingerprint:
    """What the parent knows of an input without holding it: its content's sha256 and size."""

    sha256: bytes
    size: int


def fingerprint(path: str, source: Optional[str] = None) -> Union[Fingerprint, ManifestEntry]:
    """The sha256 and size of an input's content, hashed in :data:`PIECE` pieces (a page-set folder:
    of the blob its pages travel in), or a failed manifest entry saying why it cannot be read."""
    source = display_name(path) if source is None else source
    problem = not_a_regular_file(path)
    if problem is not None:
        return failed_entry(source, f"{source}: {problem}", code=ErrorCode.NOT_A_REGULAR_FILE)
    hasher = hashlib.sha256()
    try:
        if Path(path).is_dir() and Path(path).suffix == PAGE_SET_SUFFIX:
            size = _hash_page_set(Path(path), hasher)
        else:
            size = _hash_file(path, hasher)
    except OSError as error:
        return _os_failure(source, error)
    return Fingerprint(hasher.digest(), size)


def _hash_file(path: str, hasher) -> int:
    size = 0
    with open(path, "rb") as handle:
        while piece := handle.read(PIECE):
            hasher.update(piece)
            size += len(piece)
    return size


def _hash_page_set(folder: Path, hasher) -> int:
    """The hash of :func:`~jixiao.extractors.base.pack_page_set`'s blob, without making it."""
    hasher.update(PAGE_SET_MAGIC)
    size = len(PAGE_SET_MAGIC)
    for page in page_set_files(folder):
        name = os.fsencode(page.name)
        length = page.stat().st_size
        header = len(name).to_bytes(4, "big") + name + length.to_bytes(8, "big")
        hasher.update(header)
        size += len(header) + _hash_file(str(page), hasher)
    return size


def read_source(path: str, source: Optional[str] = None, limits: Optional[ExtractionLimits] = None,
                expected: Optional[Fingerprint] = None) -> Union[bytes, ManifestEntry]:
    """An input's bytes, or a failed manifest entry saying why they cannot be read.

    ``path`` is opened; ``source`` (by default its :func:`.inputs.display_name`) names it in messages.
    A file larger than ``max_input_mb`` (of ``limits``, or of those in force) is refused before it is
    read; with ``expected``, one whose content changed since it was fingerprinted is refused too."""
    from ..extractors.base import pack_page_set

    source = display_name(path) if source is None else source
    problem = not_a_regular_file(path)
    if problem is not None:
        return failed_entry(source, f"{source}: {problem}", code=ErrorCode.NOT_A_REGULAR_FILE)
    with applied(limits):
        cap = in_bytes("max_input_mb")
    data: Optional[bytes]
    try:
        if Path(path).is_dir() and Path(path).suffix == PAGE_SET_SUFFIX:
            data = pack_page_set(Path(path))
        else:
            data = _read_capped(path, cap)
    except FileNotFoundError:
        return failed_entry(source, f"{source}: no such file", code=ErrorCode.NO_SUCH_FILE)
    except IsADirectoryError:
        return failed_entry(source, f"{source}: is a folder with no filings in it", code=ErrorCode.EMPTY_FOLDER)
    except OSError as error:
        return _os_failure(source, error)
    if data is None or len(data) > cap:
        size = os.stat(path).st_size if data is None else len(data)
        return failed_entry(source, str(InputTooLarge(source, f"the file is {size / (1 << 20):,.1f} MB",
                                                 limit="max_input_mb", allowed=cap >> 20)),
                            code=ErrorCode.INPUT_TOO_LARGE)
    if expected is not None and hashlib.sha256(data).digest() != expected.sha256:
        return failed_entry(source, f"{source}: the file changed while the batch ran; convert it again",
                            code=ErrorCode.INPUT_CHANGED)
    return data


def _read_capped(path: str, cap: int) -> Optional[bytes]:
    """The file's bytes, or None when it is larger than ``cap`` (told by its size before reading, and by
    reading at most one byte past the cap, should it grow meanwhile)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > cap:
            return None
        data = handle.read(cap + 1)
    return None if len(data) > cap else data


def _os_failure(source: str, error: OSError) -> ManifestEntry:
    if isinstance(error, FileNotFoundError):
        return failed_entry(source, f"{source}: no such file", code=ErrorCode.NO_SUCH_FILE)
    if isinstance(error, IsADirectoryError):
        return failed_entry(source, f"{source}: is a folder with no filings in it", code=ErrorCode.EMPTY_FOLDER)
    return failed_entry(source, f"{source}: cannot read: {error.strerror or error}", code=ErrorCode.UNREADABLE_ENTRY)
