"""Extractor for plain-text dumps of a disclosure, like the seed filing.

A seed dump holds the three fragments one after another. Each starts with the
header block (title line, department, duties, goals), then the line 绩效指标,
then a column-header line that says which fragment it is, then one line per
row. Fragments are located by those header words, never by position, and each
becomes a grid tagged with its fragment: the column header, a cell per row
line, the header block as the lines around it. What the lines mean is the
reader's (:mod:`jixiao.reader.fragments`). A dump of any other layout is cut
into grids by its text form (:mod:`.text_forms`).
"""

from __future__ import annotations

import codecs
import re
from typing import Optional

from ..model import (
    ErrorCode,
    Extracted,
    Cleaned,
    ErrorItem,
    FragmentKind,
    Grid,
    GridCell,
    Provenance,
    Severity,
)
from ..model.errors import CellTooLong, InputTooLarge, TooManyLines
from .base import ExtractionError, filing_id, number_ranges, year_from_name
from .controls import CONTROLS, strip, warning
from .limits import allowed, require
from ..layout.header_block import TITLE_WORDS, YEAR
from ..layout.vocabulary import header_fragment
from .mirror import unmirrored
from .text_forms import extract_text_grids
from .text_grid import segment_header

SECTION_WORD = "绩效指标"
CJK = re.compile(r"[\u4e00-\u9fff]")


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode a dump: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else GB18030.

    GB18030 is a superset of GBK and GB2312, so one attempt covers all three. A
    file whose lines are partly UTF-8 and partly GB18030 (two tools appended to
    it) is decoded line by line; its encoding is then "mixed: …".
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without BOM: every other byte of CJK-free ASCII is NUL
        even_nuls = data[0::2].count(0)
        return data.decode("utf-16-be" if even_nuls > data[1::2].count(0) else "utf-16-le",
                            errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _plausible_utf16(data)
    if utf16 is not None:
        return utf16
    mixed = _mixed_lines(data)
    if mixed is not None:
        return mixed
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"{source}: cannot decode the text: not UTF-8, UTF-16 or GB18030 (bad byte at offset {exc.start})",
            code=ErrorCode.UNDECODABLE_TEXT) from None


_PLAIN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\s、，。；：“”（）《》—…·]")


def _plausible_utf16(data: bytes) -> Optional[tuple[str, str]]:
    """UTF-16 without a BOM and with few NULs (Chinese text): accept a byte order only if it
    reads as lines of mostly CJK, ASCII and CJK punctuation (GB18030 bytes read as UTF-16
    land in Hangul, surrogates and private use instead)."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\n" in text and len(_PLAIN.findall(text)) >= 0.95 * len(text):
            return text, codec
    return None


def _mixed_lines(data: bytes) -> Optional[tuple[str, str]]:
    """Lines that are valid UTF-8 with non-ASCII text beside lines that are not: decode each alone."""
    lines = data.split(b"\n")
    utf8, other = [], []
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
            continue
        if not line.isascii():
            utf8.append(number)
    if not utf8 or not other:
        return None
    decoded, gb_lines = [], set(other)
    for number, line in enumerate(lines, start=1):
        codec = "gb18030" if number in gb_lines else "utf-8"
        decoded.append(line.decode(codec, errors="replace"))
    return "\n".join(decoded), f"mixed: lines {number_ranges(other)} GB18030, the rest UTF-8"


def _strip_controls(text: str, source: str, errors: list[ErrorItem], cleaned: list[Cleaned]) -> str:
    """Drop NULs, other control characters and bidirectional controls (:mod:`.controls`), before the
    lines are read: one warning naming the lines, and each line that lost any in ``cleaned``."""
    if not CONTROLS.search(text):
        return text
    lines = text.split("\n")
    places, total = [], 0
    for number, line in enumerate(lines, start=1):
        kept, count = strip(line)
        if count:
            lines[number - 1] = kept
            total += count
            places.append(Provenance(file=source, line=number))
            cleaned.append(Cleaned(provenance=places[-1], text=kept, removed=count))
    errors.append(warning(source, total, places))
    return "\n".join(lines)


_FRAGMENT_KINDS = {kind.value: kind for kind in FragmentKind}


def column_header_kind(line: str) -> Optional[FragmentKind]:
    """The fragment a column-header line opens, or None for any other line: its words matched
    against the layout vocabulary (a header cell may hold spaces: '评 (扣) 分标准')."""
    if len(line.strip()) > 60:
        return None  # the split layout's header rows are short; long lines only mention the words
    fragment = header_fragment(line.split()) or header_fragment([line])
    return _FRAGMENT_KINDS.get(fragment) if fragment else None


def _block_start(lines: list[str], section_line: int) -> int:
    """First line of the header block that ends just before ``section_line``."""
    start = section_line
    for j in range(section_line - 1, max(-1, section_line - 8), -1):
        if lines[j].strip():
            start = j
        if any(word in lines[j] for word in TITLE_WORDS):
            return j
    return start


def is_split_layout(lines: list[str], headers: list[tuple[int, FragmentKind]]) -> bool:
    """The seed's layout: the table split into column groups, each under its own header line,
    so that 指标解释 or 评(扣)分标准 heads a line of its own (not a column of the 一级指标 line)."""
    headers = [(i, kind) for i, kind in headers if "|" not in lines[i]]  # a pipe table's cell is no fragment
    # a header name alone on its line (一级指标, 评分规则) is one cell of a table dumped one cell per line,
    # not a fragment's header: a fragment's header line names its columns
    headers = [(i, kind) for i, kind in headers if len(segment_header(lines[i])) > 1]
    if any(kind is not FragmentKind.INDICATORS and "一级指标" not in lines[i] and "三级指标" not in lines[i]
           for i, kind in headers):
        return True
    # a fragment alone still says it is one: its header block ends in a line 绩效指标 of its own
    return any(line.strip() == SECTION_WORD for i, _ in headers for line in lines[max(0, i - 2):i])


def _check_budget(source: str, data: bytes) -> None:
    """A text dump's size, lines and longest line, before it is decoded: the text reader's slowest forms
    take ~25 µs a character (issue 23: a 50 MB line and 2 million short lines ran past the timeout)."""
    require(source, len(data), "max_text_mb", InputTooLarge, f"the text is {len(data) / (1 << 20):,.1f} MB")
    lines = data.count(b"\n") + 1
    require(source, lines, "max_lines", TooManyLines, f"the text has {lines:,} lines")
    rows = data.split(b"\n")
    number = max(range(len(rows)), key=lambda k: len(rows[k]))
    # bytes first (cheap): a UTF-8 line holds no more characters than bytes
    if len(rows[number]) > allowed("max_cell_chars"):
        characters = len(rows[number].decode("utf-8", "replace"))
        require(source, characters, "max_cell_chars", CellTooLong,
                f"line {number + 1:,} holds {characters:,} characters")


def extract_text(source: str, data: bytes) -> Extracted:
    """Read a text dump into grids for the layout reader: the seed's split layout as one grid per
    fragment (tagged with it), any other layout as the grids of its text form (:mod:`.text_forms`)."""
    if not data.strip():
        raise ExtractionError(f"{source}: the file is empty", code=ErrorCode.EMPTY_FILE)
    _check_budget(source, data)
    text, encoding = decode(data, source)
    warnings: list[ErrorItem] = []
    if encoding.startswith("mixed"):
        warnings.append(ErrorItem(code=ErrorCode.MIXED_ENCODINGS, component="extract", severity=Severity.WARNING,
                                  message=f"{source}: mixed encodings ({encoding.removeprefix('mixed: ')}); "
                                  "check those lines"))
    cleaned: list[Cleaned] = []
    text = _strip_controls(text, source, warnings, cleaned)
    text = unmirrored(text, source, warnings)
    lines = text.splitlines()
    if not CJK.search(text):
        raise ExtractionError(f"{source}: no Chinese text found (encoding {encoding}); not a filing",
                              code=ErrorCode.NO_TABLE)

    headers = [(i, kind) for i, line in enumerate(lines) if (kind := column_header_kind(line))]
    if not is_split_layout(lines, headers):
        # one table with every column, in whatever text form: the layout reader's job
        extracted = extract_text_grids(source, text, filing_id(data), encoding=encoding, errors=warnings,
                                       year_hint=year_from_name(source))
    else:
        extracted = Extracted(filing=filing_id(data), source=source, route="text", encoding=encoding,
                              errors=warnings, grids=fragment_grids(source, lines, headers),
                              year_hint=_head_year(lines) or year_from_name(source))
    extracted.cleaned = cleaned
    return extracted


FRAGMENT_FORM = "lines"
"""The form of a split dump's fragment grids: a row is a line whose cells the dump ran together."""


def fragment_grids(source: str, lines: list[str], headers: list[tuple[int, FragmentKind]]) -> list[Grid]:
    """One grid per fragment of a split dump: its column-header line (cut at the vocabulary's names) and
    one cell per row line below it, up to the next fragment's header block, which is the grid's ``lines``
    (department, duties, goals: the reader reads them)."""
    spans = []
    for header_line, kind in headers:
        section = header_line
        for j in range(header_line - 1, max(-1, header_line - 3), -1):
            if lines[j].strip() == SECTION_WORD:
                section = j
                break
        spans.append((_block_start(lines, section), section, header_line, kind))
    grids = []
    for k, (block_start, section, header_line, kind) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(lines)
        cells = [GridCell(text=name, row=0, col=col, provenance=Provenance(file=source, line=header_line + 1))
                 for col, name in enumerate(segment_header(lines[header_line]))]
        body = [n for n in range(header_line + 1, end) if lines[n].strip()]
        cells += [GridCell(text=lines[n], row=row, col=0, provenance=Provenance(file=source, line=n + 1))
                  for row, n in enumerate(body, start=1)]
        grids.append(Grid(source=source, form=FRAGMENT_FORM, cells=cells, positional=False, fragment=kind,
                          lines=[(n + 1, lines[n]) for n in range(block_start, section)]))
    return grids


def _head_year(lines: list[str]) -> Optional[int]:
    """The year the first lines name (a title line, not a sentence that only mentions one): the filing's
    year when no fragment's header block names it."""
    head = "\n".join(line for line in lines[:12] if len(line.strip()) < 60)
    match = YEAR.search(head)
    return int(match.group(1)) if match else None
