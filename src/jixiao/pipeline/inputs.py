"""What the inputs are: folders expanded into filings, every entry accounted for, names made printable.

File names are data. A POSIX file name is any byte string without "/" and
NUL; Python hands undecodable bytes over as lone surrogates ("bad\\udcff.txt"),
which no UTF-8 output can hold. So each input has two names:

- ``path``: what the operating system gave, used to open the file and nothing else;
- ``name``: :func:`display_name` of it, a lossless visible escape (``bad\\xff\\xfe.txt``),
  used in every output (``source``, messages, cache keys).

:func:`path_of` turns a name back into the path (the review app opens sources by it).

A folder is searched the way :func:`find_inputs` says; an entry that looks like
an input but cannot be one (a dangling or looping symbolic link, a folder that
cannot be read, a FIFO named ``x.txt``) becomes an :class:`Input` with a
``problem``, so it gets its own ``failed`` manifest line instead of vanishing.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Optional, Union

from ..extractors.base import PAGE_SET_SUFFIX
from ..model.errors import ErrorCode

INPUT_SUFFIXES = {".txt", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".html", ".htm", ".shtml", ".xhtml",
                  ".xlsx", ".xlsm", ".xls", ".docx", ".docm"}
"""Formats jixiao reads. A folder's other regular files are inputs too: each gets a manifest line
(``skipped`` with the reason, or quietly ``unrelated``), so that nothing is dropped."""

_NEEDS_ESCAPE = re.compile(r"[\\\x00-\x1f\x7f\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def display_name(path: Union[str, bytes, os.PathLike]) -> str:
    """A path as printable, UTF-8-safe text that :func:`path_of` turns back into the same path.

    Names that are valid UTF-8 without control characters or backslashes come
    out unchanged. Otherwise every byte that is not valid UTF-8 and every
    control character becomes ``\\xHH``, and a backslash becomes ``\\\\`` (so
    that the escape cannot be confused with a name that spells one out).
    """
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    if isinstance(text, bytes):  # a PathLike giving bytes
        text = os.fsdecode(text)
    if not _NEEDS_ESCAPE.search(text):
        return text
    if os.name == "nt":  # pragma: no cover - names are UTF-16 there: only lone surrogates need care
        return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else ("\\\\" if c == "\\" else c)
                       for c in text)
    raw = text.encode("utf-8", "surrogateescape") if _only_escaped_surrogates(text) else \
        text.encode("utf-8", "surrogatepass")
    out = []
    for piece in _utf8_pieces(raw):
        if isinstance(piece, int):
            out.append(f"\\x{piece:02x}")
        elif piece == "\\":
            out.append("\\\\")
        elif piece < " " or piece == "\x7f":
            out.append(f"\\x{ord(piece):02x}")
        else:
            out.append(piece)
    return "".join(out)


def path_of(name: str) -> str:
    """The operating-system path a :func:`display_name` stands for."""
    if "\\" not in name:
        return name
    if os.name == "nt":  # pragma: no cover
        return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), name)
    raw = bytearray()
    position = 0
    for match in _ESCAPE.finditer(name):
        raw += name[position:match.start()].encode("utf-8", "surrogateescape")
        token = match.group(1)
        raw += b"\\" if token == "\\" else bytes([int(token[1:], 16)]) if token[0] == "x" else \
            chr(int(token[1:], 16)).encode("utf-8", "surrogatepass")
        position = match.end()
    raw += name[position:].encode("utf-8", "surrogateescape")
    return os.fsdecode(bytes(raw))


def _only_escaped_surrogates(text: str) -> bool:
    return all(not ("\ud800" <= c <= "\udfff") or "\udc80" <= c <= "\udcff" for c in text)


def _utf8_pieces(raw: bytes):
    """The characters of ``raw`` as UTF-8, with each byte that does not decode given as an int."""
    position = 0
    while position < len(raw):
        for width in (1, 2, 3, 4):
            try:
                char = raw[position:position + width].decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield char
            position += width
            break
        else:
            yield raw[position]
            position += 1


@dataclass(frozen=True)
class Input:
    """One input of a batch: where it is, what it is called in the outputs, and why it cannot be read."""

    path: str
    problem: Optional[str] = None  # set when the entry looks like an input but cannot be one
    code: ErrorCode = ErrorCode.UNREADABLE_ENTRY  # what the problem is

    @property
    def name(self) -> str:
        return display_name(self.path)


def looks_like_input(name: str) -> bool:
    suffix = PurePath(name).suffix.lower()
    return suffix in INPUT_SUFFIXES or suffix == PAGE_SET_SUFFIX


def find_inputs(paths: Iterable[Union[str, bytes, os.PathLike]]) -> list[Input]:
    """Expand folders into the filings they hold; files are taken as given (a missing one included,
    so that it gets its own manifest line). Folders are searched recursively in name order, hidden
    entries skipped, symbolic links followed unless they loop. A folder named ``<name>.pages`` is one
    input: the page images of one scan."""
    found: list[Input] = []
    for raw in paths:
        path = os.fsdecode(raw) if isinstance(raw, bytes) else os.fspath(raw)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if os.path.isdir(path) and PurePath(path).suffix != PAGE_SET_SUFFIX:
            _walk(path, found, (os.path.realpath(path),))
        else:
            found.append(Input(path))
    return list({item.path: item for item in reversed(found)}.values())[::-1]


def _walk(folder: str, found: list[Input], ancestors: tuple[str, ...]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        found.append(Input(folder, f"the folder cannot be read ({_reason(error)}); "
                                   "the filings in it, if any, were not converted", ErrorCode.UNREADABLE_ENTRY))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        try:
            info = os.stat(path)  # follows links
        except OSError as error:
            if entry.is_symlink():
                if error.errno == errno.ELOOP:
                    found.append(Input(path, "a symbolic link loop (the link resolves to itself); not followed",
                                       ErrorCode.LINK_LOOP))
                elif looks_like_input(entry.name):
                    found.append(Input(path, f"a dangling symbolic link (its target "
                                             f"{display_name(_link_target(path))} does not exist)",
                                       ErrorCode.DANGLING_LINK))
            elif looks_like_input(entry.name):
                found.append(Input(path, f"cannot be examined ({_reason(error)})", ErrorCode.UNREADABLE_ENTRY))
            continue
        if stat.S_ISDIR(info.st_mode):
            if PurePath(entry.name).suffix == PAGE_SET_SUFFIX:
                found.append(Input(path))  # a folder of page images is one scanned filing
                continue
            real = os.path.realpath(path)
            if real in ancestors:
                found.append(Input(path, f"a symbolic link loop (it leads back to {display_name(real)}, "
                                         "a folder being searched); not followed", ErrorCode.LINK_LOOP))
                continue
            _walk(path, found, ancestors + (real,))
        elif stat.S_ISREG(info.st_mode):
            found.append(Input(path))  # every file: one the extractors do not read is listed as skipped
        elif looks_like_input(entry.name):
            found.append(Input(path, f"not a regular file ({_file_type(info.st_mode)}); not read",
                               ErrorCode.NOT_A_REGULAR_FILE))


def not_a_regular_file(path: str) -> Optional[str]:
    """Why ``path`` must not be read as a file (a FIFO would block the batch forever), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it says why
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"not a regular file ({_file_type(mode)}); not read"


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "an unknown kind of file"  # pragma: no cover


def _link_target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:  # pragma: no cover - it was a link a moment ago
        return "?"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
