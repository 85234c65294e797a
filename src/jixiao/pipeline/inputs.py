"""What the inputs are: folders expanded into filings, every entry accounted for, names made printable.

File names are data. A POSIX file name is any byte string without "/" and
NUL; Python hands undecodable bytes over as lone surrogates ("bad\\udcff.txt"),
which no UTF-8 output can hold. So each input has two names:

- ``path``: what the operating system gave, used to open the file and nothing else;
- ``name``: :func:`display_name` of it, a lossless visible escape (``bad\\xff\\xfe.txt``),
  used in every output (``source``, messages, cache keys).

:func:`path_of` turns a name back into the path (the review app opens sources by it).

A folder is searched the way :func:`find_inputs` says; an entry that cannot be
an input (a dangling or looping symbolic link, a folder that cannot be read, a
FIFO, whatever its name) becomes an :class:`Input` with a ``problem``, so it gets
its own ``failed`` manifest line instead of vanishing; an output folder (this
convert's, or any holding a jixiao manifest) one with a ``skip``: a ``skipped`` line.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Iterator, Optional, Union

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
    """One input of a batch: where it is, what it is called in the outputs, and why it cannot be read
    (``problem``: a failed line) or is not read (``skip``: a skipped line, e.g. an output folder)."""

    path: str
    problem: Optional[str] = None  # set when the entry looks like an input but cannot be one
    code: ErrorCode = ErrorCode.UNREADABLE_ENTRY  # what the problem is
    skip: Optional[str] = None  # set when the entry is deliberately not read

    @property
    def name(self) -> str:
        return display_name(self.path)


def looks_like_input(name: str) -> bool:
    suffix = PurePath(name).suffix.lower()
    return suffix in INPUT_SUFFIXES or suffix == PAGE_SET_SUFFIX


MANIFEST = "manifest.jsonl"


def holds_jixiao_output(folder: str) -> bool:
    """Whether ``folder`` is the output of a convert: it holds a ``manifest.jsonl`` whose first line is
    a manifest line (read in one bounded piece: this runs on every folder of a walk)."""
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            first = handle.read(1 << 16).split(b"\n", 1)[0]
    except OSError:
        return False
    try:
        line = json.loads(first)
    except ValueError:
        return False
    return isinstance(line, dict) and {"source", "status"} <= line.keys()


def find_inputs(paths: Iterable[Union[str, bytes, os.PathLike]], *,
                outputs: Iterable[Union[str, os.PathLike]] = ()) -> list[Input]:
    """Expand folders into the filings they hold; files are taken as given (a missing one included,
    so that it gets its own manifest line). Folders are searched recursively in name order, hidden
    entries skipped, symbolic links followed unless they loop. A folder named ``<name>.pages`` is one
    input: the page images of one scan.

    Outputs are never inputs (issue 23: ``convert in -o in/out`` read its own records.xlsx on every
    rerun): a folder in ``outputs`` (this convert's ``-o``) or holding a jixiao manifest is not searched,
    and gets a ``skip`` saying so."""
    own = {os.path.realpath(os.fspath(path)) for path in outputs}
    found: list[Input] = []
    for raw in paths:
        path = os.fsdecode(raw) if isinstance(raw, bytes) else os.fspath(raw)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if os.path.isdir(path) and PurePath(path).suffix != PAGE_SET_SUFFIX:
            _walk(path, found, own)
        else:
            found.append(Input(path))
    return list({item.path: item for item in reversed(found)}.values())[::-1]


def _output_folder(path: str, real: str, own: set[str]) -> Optional[Input]:
    if real in own:
        return Input(path, skip="the output folder of this convert; not read as input (outputs are never inputs)")
    if holds_jixiao_output(path):
        return Input(path, skip="the output folder of an earlier convert (it holds a jixiao manifest.jsonl); "
                                "not read as input")
    return None


def _walk(top: str, found: list[Input], own: set[str]) -> None:
    """Depth first, in name order (a folder's entries before its next sibling), without recursion
    (issue 23: a folder nested ~990 deep raised RecursionError and lost the whole batch): a stack of
    the folders being listed, each with its ancestors' real paths, to tell a link loop."""
    real_top = os.path.realpath(top)
    skipped = _output_folder(top, real_top, own)
    if skipped is not None:
        found.append(skipped)
        return
    stack: list[tuple[Iterator[os.DirEntry], str, tuple[str, ...]]] = []
    listing = _listing(top, found)
    if listing is not None:
        stack.append((iter(listing), top, (real_top,)))
    while stack:
        entries, folder, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        deeper = _entry(os.path.join(folder, entry.name), entry, found, ancestors, own)
        if deeper is not None:
            path, real = deeper
            listing = _listing(path, found)
            if listing is not None:
                stack.append((iter(listing), path, ancestors + (real,)))


def _listing(folder: str, found: list[Input]) -> Optional[list[os.DirEntry]]:
    """A folder's entries in name order, or None (and a failed line) when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        found.append(Input(folder, f"the folder cannot be read ({_reason(error)}); "
                                   "the filings in it, if any, were not converted", ErrorCode.UNREADABLE_ENTRY))
        return None


def _entry(path: str, entry: os.DirEntry, found: list[Input], ancestors: tuple[str, ...],
           own: set[str]) -> Optional[tuple[str, str]]:
    """Account for one entry of a folder; a folder to search is returned as (path, real path)."""
    try:
        info = os.stat(path)  # follows links
    except OSError as error:
        if entry.is_symlink():
            if error.errno == errno.ELOOP:
                found.append(Input(path, "a symbolic link loop (the link resolves to itself); not followed",
                                   ErrorCode.LINK_LOOP))
            else:
                found.append(Input(path, f"a dangling symbolic link (its target "
                                         f"{display_name(_link_target(path))} does not exist)", ErrorCode.DANGLING_LINK))
        else:
            found.append(Input(path, f"cannot be examined ({_reason(error)})", ErrorCode.UNREADABLE_ENTRY))
        return None
    if stat.S_ISDIR(info.st_mode):
        if PurePath(entry.name).suffix == PAGE_SET_SUFFIX:
            found.append(Input(path))  # a folder of page images is one scanned filing
            return None
        real = os.path.realpath(path)
        if real in ancestors:
            found.append(Input(path, f"a symbolic link loop (it leads back to {display_name(real)}, "
                                     "a folder being searched); not followed", ErrorCode.LINK_LOOP))
            return None
        skipped = _output_folder(path, real, own)
        if skipped is not None:
            found.append(skipped)
            return None
        return path, real
    if stat.S_ISREG(info.st_mode):
        found.append(Input(path))  # every file: one the extractors do not read is listed as skipped
    else:
        # whatever its name (issue 23: a FIFO or a dangling link without an input suffix was left out)
        found.append(Input(path, f"not a regular file ({_file_type(info.st_mode)}); not read",
                           ErrorCode.NOT_A_REGULAR_FILE))
    return None


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
