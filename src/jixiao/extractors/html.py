"""HTML pages (``.html``, ``.htm``, ``.shtml``) as published on government sites → grids.

The charset comes from a byte-order mark, the page's ``<meta charset>`` or
``http-equiv`` declaration or its XML declaration; GBK and GB2312 are read as
GB18030, their superset. Undeclared pages are tried as UTF-8, then GB18030.
Every ``<table>`` becomes a positional grid, ``rowspan``/``colspan`` as the
cell's spans; a table nested in a layout table is its own grid, and its text
is not repeated in the outer cell. Text outside the tables (the title, 填报单位,
goals) becomes the grids' lines; scripts, styles, navigation, headers and
footers are dropped. The layout reader picks the table it understands.
"""

from __future__ import annotations

import codecs
import re
from typing import Optional

from ..model import ErrorCode, ErrorItem, Extracted, Severity
from .base import ExtractionError, filing_id, year_from_name
from ..model.errors import InputTooLarge, NestedTooDeep, TooManyTables
from .blocks import Block, Table, check_spans, grids_from_blocks, join_lines, place
from .controls import mark
from .limits import require


_SKIP = {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "select", "button",
         "iframe", "object", "svg", "textarea"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "main", "aside", "blockquote", "pre", "center", "form", "fieldset", "address", "hr",
          "tr", "td", "th", "caption", "body", "html", "figure", "figcaption"}
_META = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "gb18030", "euc-cn", "csgb2312", "x-euc-cn"}


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return b"<html" in head or (b"<table" in head and b"<t" in head[:200]) or b"<tr" in head[:400]


def declared_charset(data: bytes) -> Optional[str]:
    head = data[:8192]
    match = _META.search(head) or _XML_DECL.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in _GB:
        return "gb18030"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # rot13, base64, zlib … are codecs but not text encodings: bytes.decode refuses them (issue 23:
    # charset=rot13 crashed); such a page is read as if it declared nothing
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_html(data: bytes, source: str, errors: list[ErrorItem]) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    declared = declared_charset(data)
    for codec in dict.fromkeys(c for c in (declared, "utf-8", "gb18030") if c):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    codec = declared or "gb18030"
    errors.append(ErrorItem(code=ErrorCode.BYTES_REPLACED, component="extract", severity=Severity.WARNING,
                            message=f"{source}: the page is not valid {codec}; undecodable bytes were replaced"))
    return data.decode(codec, errors="replace"), codec


def _span(value: Optional[str]) -> int:
    try:
        return max(1, int(re.match(r"\s*(\d+)", value or "").group(1)))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        return 1


def _tag(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class _Walker:
    """Blocks in reading order: text outside tables, and every table (nested ones after their parent).

    Iterative, with a stack of what is left to do, so that a page nested hundreds of elements deep
    reads like any other (issue 23: a real table under 253 nested elements was lost)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[Block] = []
        self._line: list[str] = []

    def flush(self) -> None:
        text = join_lines(" ".join(self._line))
        if text:
            self.blocks.append(text)
        self._line = []

    def add(self, text: Optional[str]) -> None:
        if text:
            self._line.append(text)

    def walk(self, root) -> None:
        pending: list[tuple[str, object]] = [("enter", root)]
        while pending:
            action, value = pending.pop()
            if action == "text":
                self.add(value)  # type: ignore[arg-type]
            elif action == "flush":
                self.flush()
            else:
                pending.extend(reversed(self._enter(value)))

    def _enter(self, element) -> list[tuple[str, object]]:
        """Read ``element`` up to its children; what is left to do, in order."""
        tag = _tag(element)
        if not tag or tag in _SKIP:
            return []
        if tag == "table":
            self.flush()
            nested: list = []
            self.blocks.append(_table(self.source, element, nested))
            return [("enter", inner) for inner in nested]
        if tag == "br":
            self.flush()
            return []
        block = tag in _BLOCK
        if block:
            self.flush()
        self.add(element.text)
        todo: list[tuple[str, object]] = []
        for child in element:
            todo += [("enter", child), ("text", child.tail)]
        return todo + ([("flush", None)] if block else [])


def _cell_text(element, nested: list) -> str:
    """A cell's text, its own: a table nested in it is collected apart (iterative, as :class:`_Walker`)."""
    parts: list[str] = [element.text or ""]
    pending: list[tuple[str, object]] = []
    for child in reversed(element):
        pending += [("text", child.tail or ""), ("enter", child)]
    while pending:
        action, node = pending.pop()
        if action == "text":
            parts.append(node)  # type: ignore[arg-type]
            continue
        tag = _tag(node)
        if not tag or tag in _SKIP:
            continue
        if tag == "table":
            nested.append(node)
            continue
        if tag in ("br", "p", "div", "li") and parts:
            parts.append("\n")
        parts.append(node.text or "")  # type: ignore[attr-defined]
        for child in reversed(node):  # type: ignore[call-overload]
            pending += [("text", child.tail or ""), ("enter", child)]
    return join_lines("".join(parts))


def _table(source: str, element, nested: list) -> Table:
    rows = []
    for tr in element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        rows.append([(_cell_text(td, nested), _span(td.get("rowspan")), _span(td.get("colspan")))
                     for td in tr if _tag(td) in ("td", "th")])
    check_spans(source, rows, "a table of the page")  # before place() visits every cell a span covers
    captions = element.xpath("./caption")
    caption = _cell_text(captions[0], nested) if captions else None
    return Table(place(rows), caption or None)


def _depth(root) -> int:
    """How deep elements nest under ``root`` (iteratively)."""
    deepest, pending = 0, [(root, 1)]
    while pending:
        element, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in element)
    return deepest


def _check_page(source: str, root) -> None:
    """The page's budgets, before it is walked: nesting (``max_depth``) and tables (``max_tables``)."""
    depth = _depth(root)
    require(source, depth, "max_depth", NestedTooDeep, f"its elements nest {depth:,} deep")
    tables = sum(1 for _ in root.iter("table"))
    require(source, tables, "max_tables", TooManyTables, f"the page has {tables:,} tables")


def extract_html(source: str, data: bytes) -> Extracted:
    """Read an HTML page into one grid per table (see the module docstring)."""
    import lxml.html
    from lxml import etree

    if not data.strip():
        raise ExtractionError(f"{source}: the file is empty", code=ErrorCode.EMPTY_FILE)
    require(source, len(data), "max_page_mb", InputTooLarge, f"the page is {len(data) / (1 << 20):,.1f} MB")
    warnings: list[ErrorItem] = []
    text, encoding = decode_html(data, source, warnings)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its encoding
    # libxml2 turns a NUL into U+FFFD (a header word with one was no longer the header): each control
    # becomes a noncharacter it keeps, removed, counted and flagged with the cells (extractors/controls.py)
    text = mark(text)
    try:
        # huge_tree: libxml2 otherwise drops what nests deeper than 256 elements, silently; our own
        # max_depth (at most 2000, below libxml2's limit with huge_tree) then decides
        root = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"{source}: not a readable HTML page: {error}", code=ErrorCode.CORRUPT_FILE) from None
    _check_page(source, root)
    walker = _Walker(source)
    title = root.find("head/title")
    if title is not None and title.text_content().strip():
        walker.blocks.append(join_lines(title.text_content()))  # the page title often names kind and year
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    grids = grids_from_blocks(source, "html", walker.blocks)
    if not grids:
        raise ExtractionError(f"{source}: the HTML page holds no table (no <table> with text); "
                              "a performance-goal table is published as one", code=ErrorCode.NO_TABLE)
    return Extracted(filing=filing_id(data), source=source, route="html", grids=grids, errors=warnings,
                     encoding=encoding, year_hint=year_from_name(source))
