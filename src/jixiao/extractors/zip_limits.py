"""Budgets of a workbook or Word document, checked before openpyxl or python-docx reads a byte of it.

An ``.xlsx`` or ``.docx`` is a ZIP of XML parts, and a small file can hold a
great deal: 1.5 MB of blanks inflate to 1.5 GB, 2.4 KB say "this range is
merged" over 17 billion cells, 428 KB hold three million empty paragraphs
(issue 23). openpyxl and python-docx build every element in memory, so the
package is scanned first, part by part, inflated in 64 KB steps through
expat with the output thrown away:

- every part's inflated size (``max_part_mb``), and no more than
  :data:`MAX_PARTS` parts;
- every XML part: its nesting (``max_depth``), no DOCTYPE (entity expansion is
  how an XML bomb grows), no text longer than ``max_cell_chars``;
- a worksheet: its cells, and the rows × columns of those holding a value
  (``max_cells``), the area of its merged ranges (``max_merged_cells``);
- the styles: every number format's length (``max_format_chars``);
- a Word document: its paragraphs and table rows (``max_lines``), its tables
  (``max_tables``).

Each limit passed raises its :class:`~jixiao.model.errors.LimitExceeded`
subclass, whose message names the part, what was found and the setting.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Callable, Optional
from xml.parsers import expat

from ..model.errors import (
    CellTooLong,
    DecompressionBomb,
    LimitExceeded,
    MergedAreaTooLarge,
    NestedTooDeep,
    NumberFormatTooLong,
    TableTooLarge,
    TooManyLines,
    TooManyTables,
    UnreadableFormat,
)
from .limits import allowed, in_bytes, require

MAX_PARTS = 10_000
"""Parts of one package (a workbook or document has a few dozen); a ZIP of more is not opened."""
_CHUNK = 1 << 16
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")


def check_package(source: str, data: bytes) -> None:
    """Raise a :class:`LimitExceeded` (or :class:`UnreadableFormat`) when the package passes a budget."""
    parts = _entry_count(data)
    if parts is not None and parts > MAX_PARTS:
        raise UnreadableFormat(f"{source}: a ZIP package of {parts:,} parts (a workbook or Word document has a "
                               f"few dozen; more than {MAX_PARTS:,}): not opened")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                _scan_part(source, package, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise UnreadableFormat(f"{source}: a damaged ZIP package ({type(error).__name__}: {error}); open and "
                               "save it again in Excel, Word, WPS or LibreOffice") from None


def _entry_count(data: bytes) -> Optional[int]:
    """The part count the end-of-central-directory record gives, read before the directory itself."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - (1 << 16) - 22))
    if end < 0 or end + 12 > len(data):
        return None
    count = int.from_bytes(data[end + 10:end + 12], "little")
    if count == 0xFFFF:  # ZIP64: the count is in the ZIP64 record
        end64 = data.rfind(b"PK\x06\x06", max(0, end - (1 << 16)), end)
        if end64 >= 0 and end64 + 40 <= len(data):
            count = int.from_bytes(data[end64 + 32:end64 + 40], "little")
    return count


def _scan_part(source: str, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    name = info.filename
    scanner = _scanner_for(source, name)
    total, limit = 0, in_bytes("max_part_mb")
    with package.open(info) as part:
        while chunk := part.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise DecompressionBomb(source, f"its part {name} inflates like a decompression bomb",
                                        limit="max_part_mb", allowed=allowed("max_part_mb"))
            if scanner is not None:
                scanner.feed(chunk)
    if scanner is not None:
        scanner.finish()


def _scanner_for(source: str, name: str) -> Optional["_PartScanner"]:
    lower = name.lower()
    if not lower.endswith((".xml", ".rels", ".vml")):
        return None  # an image, a printer setting: only its size matters
    if re.fullmatch(r"xl/worksheets/[^/]+\.xml", lower):
        return _SheetScanner(source, name)
    if lower == "xl/styles.xml":
        return _StylesScanner(source, name)
    if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", lower):
        return _WordScanner(source, name)
    return _PartScanner(source, name)


class _PartScanner:
    """expat over one XML part, fed in pieces: nesting, DOCTYPE, text length. Subclasses watch elements."""

    def __init__(self, source: str, name: str) -> None:
        self.source, self.name = source, name
        self.depth = 0
        self.text = 0  # characters of the text node being read
        self.max_depth, self.max_chars = allowed("max_depth"), allowed("max_cell_chars")
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        parser.StartDoctypeDeclHandler = self._doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser = parser

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as error:
            raise UnreadableFormat(f"{self.source}: its part {self.name} is not well-formed XML "
                                   f"({expat.errors.messages.get(error.code, error)}); open and save it again "
                                   "in Excel, Word, WPS or LibreOffice") from None

    def finish(self) -> None:
        self.feed(b"", final=True)

    def _doctype(self, *_: object) -> None:
        raise UnreadableFormat(f"{self.source}: its part {self.name} declares a DOCTYPE, which no Office "
                               "file has (entities are how an XML bomb grows): not opened")

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.text = 0
        if self.depth > self.max_depth:
            raise NestedTooDeep(self.source, f"elements of its part {self.name} nest more than "
                                             f"{self.max_depth:,} deep", limit="max_depth", allowed=self.max_depth)
        self.element(tag.rsplit(":", 1)[-1], attributes)

    def _end(self, tag: str) -> None:
        self.depth -= 1
        self.text = 0

    def _characters(self, text: str) -> None:
        self.text += len(text)
        if self.text > self.max_chars:
            raise CellTooLong(self.source, f"its part {self.name} holds a text of more than {self.max_chars:,} "
                                           "characters", limit="max_cell_chars", allowed=self.max_chars)

    def element(self, name: str, attributes: dict[str, str]) -> None:
        """One element's start, its name without prefix: what a subclass counts."""


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _cell(reference: str) -> Optional[tuple[int, int]]:
    match = _CELL_REF.fullmatch(reference.strip().replace("$", ""))
    return (int(match.group(2)), _column(match.group(1))) if match else None


class _SheetScanner(_PartScanner):
    """A worksheet: cells, the extent of the valued ones, merged areas."""

    def __init__(self, source: str, name: str) -> None:
        super().__init__(source, name)
        self.cells = 0
        self.row = 0
        self.col = 0
        self.rows = self.cols = 0  # extent of the cells holding a value
        self.merged = 0
        self.max_cells, self.max_merged = allowed("max_cells"), allowed("max_merged_cells")

    def element(self, name: str, attributes: dict[str, str]) -> None:
        handler = self._HANDLERS.get(name)
        if handler is not None:
            handler(self, attributes)

    def _row(self, attributes: dict[str, str]) -> None:
        number = attributes.get("r", "")
        self.row = int(number) if number.isdigit() else self.row + 1
        self.col = 0

    def _c(self, attributes: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            self._too_large(f"its sheet {self.name} has more than {self.max_cells:,} cells")
        place = _cell(attributes.get("r", ""))
        self.row, self.col = place if place else (self.row, self.col + 1)

    def _value(self, attributes: dict[str, str]) -> None:  # <v>, <is>, <f>: the cell holds something
        self.rows, self.cols = max(self.rows, self.row), max(self.cols, self.col)
        if self.rows * self.cols > self.max_cells:
            self._too_large(f"its sheet {self.name} spans {self.rows:,} rows × {self.cols:,} columns = "
                            f"{self.rows * self.cols:,} cells")

    def _merge(self, attributes: dict[str, str]) -> None:
        corners = [_cell(part) for part in attributes.get("ref", "").split(":")]
        if len(corners) == 2 and corners[0] and corners[1]:
            (r0, c0), (r1, c1) = corners[0], corners[1]
            self.merged += (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)
            require(self.source, self.merged, "max_merged_cells", MergedAreaTooLarge,
                    f"the merged ranges of its sheet {self.name} cover {self.merged:,} cells "
                    f"({attributes.get('ref')} among them)")

    def _too_large(self, what: str) -> None:
        raise TableTooLarge(self.source, what, limit="max_cells", allowed=self.max_cells)

    _HANDLERS: dict[str, Callable[["_SheetScanner", dict[str, str]], None]] = {
        "row": _row, "c": _c, "v": _value, "is": _value, "f": _value, "mergeCell": _merge}


class _StylesScanner(_PartScanner):
    """The styles: number formats (a 100,000-character format took two minutes a cell to show)."""

    def element(self, name: str, attributes: dict[str, str]) -> None:
        if name == "numFmt":
            code = attributes.get("formatCode", "")
            require(self.source, len(code), "max_format_chars", NumberFormatTooLong,
                    f"its number format {attributes.get('numFmtId', '?')} is {len(code):,} characters long")


class _WordScanner(_PartScanner):
    """A Word document's body: paragraphs and table rows (its lines), and tables."""

    def __init__(self, source: str, name: str) -> None:
        super().__init__(source, name)
        self.lines = self.tables = 0

    def element(self, name: str, attributes: dict[str, str]) -> None:
        if name in ("p", "tr"):
            self.lines += 1
            require(self.source, self.lines, "max_lines", TooManyLines,
                    f"its part {self.name} has more than {allowed('max_lines'):,} paragraphs and table rows")
        elif name == "tbl":
            self.tables += 1
            require(self.source, self.tables, "max_tables", TooManyTables,
                    f"its part {self.name} has more than {allowed('max_tables'):,} tables")


__all__ = ["MAX_PARTS", "LimitExceeded", "check_package"]
