"""Limits that keep one hostile PDF from taking the batch down: page cap, decompression bombs.

A PDF's size says little about what reading it costs: a 400 KB FlateDecode
stream can inflate to 400 MB (pdfium inflates a page's whole content stream
to read its text), and a 100,000-page file takes minutes to scan even at ~4 ms
a page. Both are checked before any page is read; what is skipped is said in a
WARNING in the manifest, never dropped silently.

Every stream is decoded the way pdfium will decode it, through its whole
filter chain (``/Filter [/ASCIIHexDecode /FlateDecode]``, ``[/FlateDecode
/FlateDecode]``, LZW, run-length, ASCII85), whatever line ending follows the
``stream`` keyword (``\\r`` alone too), in 64 KB steps with the output thrown
away: the check needs no memory, and it stops at ``max_inflated_mb`` (issue 23:
three ways past the old check each inflated to 2.7 GB). A filter that only an
image renderer decodes (DCT, JPX, CCITT, JBIG2) ends the chain.
"""

from __future__ import annotations

import itertools
import struct
import re
import zlib
from typing import Callable, Iterable, Iterator, Optional

from ..model.errors import DecompressionBomb
from .limits import DEFAULT_MAX_INFLATED_MB, DEFAULT_MAX_PAGES, current  # noqa: F401 (re-exported)

# "stream" as a keyword (not the end of "endstream"), then CRLF, LF or (against the spec, but pdfium
# reads it) CR alone
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_CHUNK = 1 << 16
_DICT_WINDOW = 4096  # bytes before "stream" searched for its dictionary's /Filter
_ZLIB_HEADERS = (b"\x78", b"\x08", b"\x18", b"\x28", b"\x38", b"\x48", b"\x58", b"\x68")

Stage = Callable[[Iterator[bytes]], Iterator[bytes]]


def max_pages() -> int:
    """``max_pages`` of the limits in force (``jixiao convert --max-pages``, ``JIXIAO_MAX_PAGES``):
    pages past it are skipped, with a warning."""
    return current().max_pages


def max_inflated_bytes() -> int:
    """``max_inflated_mb`` of the limits in force (``JIXIAO_MAX_INFLATED_MB``): the most one
    compressed stream may inflate to."""
    return current().max_inflated_mb << 20


def check_inflation(source: str, data: bytes, limit: Optional[int] = None) -> None:
    """Raise :class:`DecompressionBomb` when a stream, decoded through its filters, passes ``limit``
    bytes (by default ``max_inflated_mb``). A stream costs at most ``limit`` bytes of decoding
    (~0.2 s for 256 MB of FlateDecode), and its output is never kept."""
    limit = max_inflated_bytes() if limit is None else limit
    objects: dict[bytes, Optional[bytes]] = {}  # indirect /Filter values looked up once each
    for match in _STREAM.finditer(data):
        filters = stream_filters(data, match.start(), objects)
        _decode_counting(source, data, match.end(), filters, limit)


def stream_filters(data: bytes, keyword: int, objects: Optional[dict[bytes, Optional[bytes]]] = None
                   ) -> Optional[list[str]]:
    """The filter chain of the stream whose ``stream`` keyword is at ``keyword``, from its dictionary
    (an indirect ``/Filter 7 0 R`` is looked up); [] when it has none, None when it cannot be told
    (then the bytes themselves say what they are, :func:`_sniffed`)."""
    start = data.rfind(b"obj", 0, keyword)  # the dictionary runs from its object's start to the keyword
    if start < 0:
        return None
    found = None
    for found in _FILTER.finditer(data, start + 3, keyword):
        pass  # the last /Filter before the keyword is this stream's (an earlier one is a nested dict's)
    if found is None:
        return []
    value: Optional[bytes] = found.group(1)
    if value is not None and value.endswith(b"R"):
        value = _indirect(data, value, objects if objects is not None else {})
        if value is None:
            return None  # in an object stream: not readable without parsing the file
    return [name.decode("ascii") for name in _NAME.findall(value or b"")]


def _indirect(data: bytes, reference: bytes, objects: dict[bytes, Optional[bytes]]) -> Optional[bytes]:
    """The value of object ``7 0 R`` when it is a filter name or array written out in the file."""
    if reference not in objects:
        number, generation = reference.split()[:2]
        target = re.search(rb"(?<!\d)" + number + rb"\s+" + generation + rb"\s+obj\s*(\[[^\]]*\]|/[A-Za-z0-9]+)",
                           data)
        objects[reference] = target.group(1) if target else None
    return objects[reference]


def _decode_counting(source: str, data: bytes, start: int, filters: Optional[list[str]], limit: int) -> None:
    chunks: Iterator[bytes] = (data[at:at + _CHUNK] for at in range(start, len(data), _CHUNK))

    def counted(stage_output: Iterable[bytes]) -> Iterator[bytes]:  # every stage's output is held by pdfium
        return _counted(stage_output, source, start, filters or ["(told by its bytes)"], limit)

    if filters is None:
        _sniffed(chunks, counted)
        return
    stages = 0
    for name in filters:
        stage = DECODERS.get(name)
        if stage is None:
            break  # an image codec (or an unknown filter): decoded only when a page is drawn
        chunks = counted(stage(chunks))
        stages += 1
    if stages:
        for _ in chunks:  # pull everything through; each stage counts what it gives
            pass


def _sniffed(chunks: Iterator[bytes], counted: Callable[[Iterable[bytes]], Iterator[bytes]],
             depth: int = 0) -> None:
    """Decode by what the bytes look like, layer after layer (zlib, hex, ASCII85), for a stream whose
    dictionary cannot be read; bytes of none of these end the chain (that last layer is pulled through,
    so that it is counted; the raw stream itself is not)."""
    first = next(chunks, b"")
    head = first[:64].lstrip()
    rest = itertools.chain([first], chunks)
    stage: Optional[Stage] = None
    if depth >= 8 or not head:
        stage = None
    elif head[:1] in _ZLIB_HEADERS:
        stage = _flate
    elif re.fullmatch(rb"[0-9A-Fa-f\s]{8,}>?", head[:head.find(b">") + 1] if b">" in head else head):
        stage = _hex
    elif b"~>" in first and re.fullmatch(rb"[!-uz\s]+", head):
        stage = _ascii85
    if stage is None:
        for _ in rest if depth else ():
            pass
        return
    _sniffed(counted(stage(rest)), counted, depth + 1)


def _counted(chunks: Iterable[bytes], source: str, where: int, filters: list[str], limit: int) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            chain = " ".join(f"/{name}" for name in filters)
            raise DecompressionBomb(source, f"a compressed stream at byte {where} ([{chain}]) inflates like a "
                                            "decompression bomb", limit="max_inflated_mb", allowed=limit >> 20)
        yield chunk


def _flate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending and not inflater.eof:
                yield inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                return
    except zlib.error:
        return  # damaged data: pdfium stops there too


def _hex(chunks: Iterator[bytes]) -> Iterator[bytes]:
    odd = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = odd + re.sub(rb"[^0-9A-Fa-f]", b"", chunk if end < 0 else chunk[:end])
        cut = len(digits) - len(digits) % 2
        yield bytes.fromhex(digits[:cut].decode("ascii"))
        odd = digits[cut:]
        if end >= 0:
            break
    if odd:
        yield bytes.fromhex((odd + b"0").decode("ascii"))


_A85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*")


_A85_DIGITS = bytes(range(ord("!"), ord("u") + 1))
_A85_OFFSET = 33 * (85 ** 4 + 85 ** 3 + 85 ** 2 + 85 + 1)  # each digit is its byte less 33


def a85decode(encoded: bytes) -> bytes:
    """ASCII85 (PDF 32000 7.4.3), decoded group by group: base64.a85decode, in pure Python byte by
    byte, took more of reading a reportlab PDF than pdfium's whole parse, and NumPy, which did it
    before, took longer to import (0.1 s) than a convert's streams take to decode (issue 22).
    ValueError on a character outside ! … u or a group above 2³² − 1."""
    encoded = encoded.split(b"~>", 1)[0].replace(b"z", b"!!!!!").translate(None, b" \t\n\r\x0b\x0c\x00")
    if encoded.translate(None, _A85_DIGITS):
        raise ValueError("not ASCII85")
    pad = -len(encoded) % 5
    encoded += b"u" * pad
    # the five digits of every group side by side (slices are made in C): one step per group
    values = [a * 52200625 + b * 614125 + c * 7225 + d * 85 + e - _A85_OFFSET
              for a, b, c, d, e in zip(encoded[0::5], encoded[1::5], encoded[2::5], encoded[3::5], encoded[4::5])]
    if values and max(values) > 0xFFFFFFFF:
        raise ValueError("ASCII85 group out of range")
    decoded = struct.pack(f">{len(values)}I", *values)
    return decoded[:len(decoded) - pad] if pad else decoded


def _ascii85(chunks: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        end = chunk.find(b"~>")
        pending += re.sub(rb"\s", b"", chunk if end < 0 else chunk[:end])
        whole = _A85_GROUPS.match(pending).end()  # type: ignore[union-attr]
        try:
            yield a85decode(pending[:whole])
        except ValueError:
            return
        pending = pending[whole:]
        if end >= 0:
            break
    if pending:
        try:
            yield a85decode(pending)
        except ValueError:
            return


def _run_length(chunks: Iterator[bytes]) -> Iterator[bytes]:
    data = bytearray()
    position = 0
    for chunk in chunks:
        data += chunk
        out = bytearray()
        while position < len(data):
            length = data[position]
            if length == 128:
                yield bytes(out)
                return
            if length < 128:
                if position + length + 2 > len(data):
                    break
                out += data[position + 1:position + length + 2]
                position += length + 2
            else:
                if position + 2 > len(data):
                    break
                out += data[position + 1:position + 2] * (257 - length)
                position += 2
            if len(out) >= _CHUNK:
                yield bytes(out)
                out = bytearray()
        yield bytes(out)
        del data[:position]
        position = 0


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """LZWDecode (early change 1, PDF's default), 9- to 12-bit codes."""
    table = [bytes([n]) for n in range(256)] + [b"", b""]
    width, previous = 9, b""
    buffer = bits = 0
    out = bytearray()
    for chunk in chunks:
        for byte in chunk:
            buffer = (buffer << 8) | byte
            bits += 8
            while bits >= width:
                bits -= width
                code = (buffer >> bits) & ((1 << width) - 1)
                if code == 256:  # clear table
                    table, width, previous = table[:258], 9, b""
                    continue
                if code == 257:  # end of data
                    yield bytes(out)
                    return
                entry = table[code] if code < len(table) else previous + previous[:1]
                if not entry:
                    return  # a code that cannot be: damaged data
                out += entry
                if previous and len(table) < 4096:
                    table.append(previous + entry[:1])
                previous = entry
                if len(table) + 1 >= (1 << width) and width < 12:
                    width += 1
                if len(out) >= _CHUNK:
                    yield bytes(out)
                    out = bytearray()
    yield bytes(out)


DECODERS: dict[str, Stage] = {
    "FlateDecode": _flate, "Fl": _flate,
    "ASCIIHexDecode": _hex, "AHx": _hex,
    "ASCII85Decode": _ascii85, "A85": _ascii85,
    "RunLengthDecode": _run_length, "RL": _run_length,
    "LZWDecode": _lzw, "LZW": _lzw,
}
"""The filters that can inflate, by their PDF names (and the abbreviations of inline images)."""


def page_cap_message(source: str, total: int, cap: int) -> str:
    return (f"{source}: {total} pages; only the first {cap} were searched for the table "
            f"(JIXIAO_MAX_PAGES / --max-pages); pages {cap + 1}–{total} were skipped")
