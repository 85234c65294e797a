"""Limits that keep one hostile PDF from taking the batch down: page cap, decompression bombs.

A PDF's size says little about what reading it costs: a 400 KB FlateDecode
stream can inflate to 400 MB (pdfium inflates a page's whole content stream
to read its text), and a 100,000-page file takes minutes to scan even at ~4 ms
a page. Both are checked before any page is read; what is skipped is said in a
WARNING in the manifest, never dropped silently.
"""

from __future__ import annotations

import re
import zlib

from ..model.errors import ErrorCode, UnreadableFormat
from .limits import DEFAULT_MAX_INFLATED_MB, DEFAULT_MAX_PAGES, current  # noqa: F401 (re-exported)

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16


def max_pages() -> int:
    """``max_pages`` of the limits in force (``jixiao convert --max-pages``, ``JIXIAO_MAX_PAGES``):
    pages past it are skipped, with a warning."""
    return current().max_pages


def max_inflated_bytes() -> int:
    """``max_inflated_mb`` of the limits in force (``JIXIAO_MAX_INFLATED_MB``): the most one
    compressed stream may inflate to."""
    return current().max_inflated_mb << 20


def check_inflation(source: str, data: bytes, limit: int | None = None) -> None:
    """Raise :class:`UnreadableFormat` when a zlib (FlateDecode) stream inflates past ``limit`` bytes.

    Streams are inflated in 64 KB steps and the output is thrown away, so the
    check itself needs no memory; it stops at the limit, so a bomb costs at most
    ``limit`` bytes of inflating (~0.2 s for 256 MB). Streams that are not zlib
    (JPEG images, uncompressed content) fail on their first bytes and are skipped.
    """
    limit = max_inflated_bytes() if limit is None else limit
    for match in _STREAM.finditer(data):
        start = match.end()
        if b"ASCII85Decode" in data[max(0, match.start() - 300):match.start()]:
            # [/ASCII85Decode /FlateDecode], as reportlab writes: undo the ASCII85 layer first
            end = data.find(b"~>", start)
            try:
                _inflate_or_raise(source, a85decode(data[start:end]), 0, limit, start)
            except ValueError:
                pass
            continue
        _inflate_or_raise(source, data, start, limit, start)


def a85decode(encoded: bytes) -> bytes:
    """ASCII85 (PDF 32000 7.4.3) decoded with numpy: base64.a85decode, in pure Python, took more of
    reading a reportlab PDF than pdfium's whole parse. ValueError on a character outside ! … u."""
    import numpy as np

    encoded = encoded.split(b"~>", 1)[0].replace(b"z", b"!!!!!").translate(None, b" \t\n\r\x0b\x0c\x00")
    pad = -len(encoded) % 5
    digits = np.frombuffer(encoded + b"u" * pad, dtype=np.uint8).astype(np.int64) - 33
    if digits.size and (digits.min() < 0 or digits.max() > 84):
        raise ValueError("not ASCII85")
    groups = digits.reshape(-1, 5)
    values = (((groups[:, 0] * 85 + groups[:, 1]) * 85 + groups[:, 2]) * 85 + groups[:, 3]) * 85 + groups[:, 4]
    if values.size and values.max() > 0xFFFFFFFF:
        raise ValueError("ASCII85 group out of range")
    decoded = values.astype(">u4").tobytes()
    return decoded[:len(decoded) - pad] if pad else decoded


def _inflate_or_raise(source: str, data: bytes, start: int, limit: int, where: int) -> None:
    if data[start:start + 1] not in (b"\x78", b"\x08", b"\x18", b"\x28", b"\x38", b"\x48", b"\x58", b"\x68"):
        return  # no zlib header: not FlateDecode
    inflater = zlib.decompressobj()
    total, position = 0, start
    try:
        while not inflater.eof and position < len(data):
            pending = data[position:position + _CHUNK]
            position += len(pending)
            while pending and not inflater.eof:
                total += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
                if total > limit:
                    raise UnreadableFormat(
                        f"{source}: a compressed stream at byte {where} inflates to more than "
                        f"{limit >> 20} MB (a decompression bomb?); not opened "
                        "(JIXIAO_MAX_INFLATED_MB raises the limit)", code=ErrorCode.DECOMPRESSION_BOMB)
    except zlib.error:
        return


def page_cap_message(source: str, total: int, cap: int) -> str:
    return (f"{source}: {total} pages; only the first {cap} were searched for the table "
            f"(JIXIAO_MAX_PAGES / --max-pages); pages {cap + 1}–{total} were skipped")
