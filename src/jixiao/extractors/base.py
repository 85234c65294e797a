"""What every extractor shares: filing ids, format detection and page sets.

The error types live in :mod:`jixiao.model.errors`; ``ExtractionError`` is re-exported here.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Callable, Optional

from ..model import Extracted
from ..model.errors import ErrorCode, ExtractionError, UnreadableFormat

__all__ = ["ExtractionError", "Extractor", "choose_extractor", "filing_id", "number_ranges", "year_from_name"]


class UnsupportedFormat(ExtractionError):
    """A file jixiao does not read (its format is named in the message): listed as ``skipped``.

    ``unrelated`` marks a file that is no filing at all (a stylesheet, a script,
    the images of a saved web page): still listed, but not reported in the summary.
    """

    default_code = ErrorCode.UNSUPPORTED_FORMAT

    def __init__(self, message: str, *, unrelated: bool = False):
        super().__init__(message, code=ErrorCode.UNRELATED_FILE if unrelated else None)
        self.unrelated = unrelated


def filing_id(data: bytes) -> str:
    """A stable id for a filing: the same bytes give the same id on every machine."""
    return hashlib.sha256(data).hexdigest()[:16]


YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def year_from_name(path: str) -> Optional[int]:
    match = YEAR_IN_NAME.search(Path(path).name)
    return int(match.group(1)) if match else None


Extractor = Callable[[str, bytes], Extracted]
"""An extractor takes the input path as given and its bytes, and returns the source's grids
(``Extracted``) for the layout reader; the seed's split layout as grids tagged with their fragment."""

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DOCX_SUFFIXES = {".docx", ".docm"}
LEGACY_SUFFIXES = {".doc", ".wps", ".et", ".dps", ".ppt"}
ASSET_SUFFIXES = {
    ".css", ".js", ".mjs", ".map", ".json", ".xml", ".gif", ".ico", ".svg", ".webp", ".bmp", ".woff", ".woff2",
    ".ttf", ".otf", ".eot", ".swf", ".md", ".ini", ".log", ".db", ".lnk", ".url", ".torrent", ".ds_store",
}
"""Files that sit beside filings and are none (the parts of a saved web page, notes, indexes)."""
OTHER_FORMATS = {
    ".odt": ("an OpenDocument text (.odt)", ".docx"), ".ods": ("an OpenDocument spreadsheet (.ods)", ".xlsx"),
    ".rtf": ("a Rich Text file (.rtf)", ".docx"), ".pptx": ("a PowerPoint file (.pptx)", ".pdf"),
    ".ofd": ("an OFD document (.ofd)", ".pdf"), ".zip": ("a ZIP archive", None),
    ".rar": ("a RAR archive", None), ".7z": ("a 7-Zip archive", None),
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ASSET_FOLDERS = ("_files", ".files", "_文件")
"""A saved web page keeps its images, styles and scripts in "<page>_files/": none is a filing."""


def _zip_kind(data: bytes) -> Optional[str]:
    import io
    import zipfile

    from .zip_limits import MAX_PARTS, _entry_count

    parts = _entry_count(data)
    if parts is not None and parts > MAX_PARTS:
        return None  # its directory alone would fill memory; the suffix decides, the reader refuses it
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def _ole2_kind(data: bytes) -> str:
    """An OLE2 compound file: an Excel 97 workbook, a Word 97 document, or other."""
    head = data[:1 << 20]
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") + b"\x00\x00" in head:
        return "xls"
    return "legacy"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for codec in ("utf-8", "gb18030"):
        try:
            sample.decode(codec)
            return True
        except UnicodeDecodeError as error:
            if error.start > len(sample) - 4:  # a character cut by the sample's end
                return True
    return False


def choose_extractor(path: str, data: bytes) -> str:
    """Name of the extractor for a source, by its content first and its suffix second.

    Content decides where it can (a government ".xls" is often an HTML page, a
    ".doc" a real .docx); a file that is no filing format goes to "unrelated"
    (quietly skipped) or "unsupported" (skipped, with the reason)."""
    from .html import looks_like_html

    suffix = Path(path).suffix.lower()
    if data.startswith(PAGE_SET_MAGIC):
        return "pages"
    if data.startswith(b"%PDF") or (suffix == ".pdf" and not data.startswith((b"PK", OLE2_MAGIC))):
        return "pdf"
    if Path(path).parent.name.lower().endswith(ASSET_FOLDERS):
        return "unrelated"  # the images of a saved page are its logos and icons, not scans
    if data[:8].startswith(b"\x89PNG") or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind in ("docx", "xlsx"):
            return kind
        if suffix in DOCX_SUFFIXES:
            return "docx"  # it says it is one: the reader fails saying it is damaged
        if suffix in XLSX_SUFFIXES:
            return "xlsx"
        return "unsupported"
    if data.startswith(OLE2_MAGIC):
        # a damaged .xls may not show its Workbook stream: its name still says it is one, and xlrd's
        # failure then gives the advice that fits (save it as .xlsx), not a Word document's (issue 23)
        return "xls" if _ole2_kind(data) == "xls" or suffix in (".xls", ".xlt") else "legacy"
    if suffix in HTML_SUFFIXES or (suffix not in ASSET_SUFFIXES and looks_like_html(data)):
        return "html"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    if suffix in LEGACY_SUFFIXES:
        return "legacy"
    if suffix in IMAGE_SUFFIXES:
        return "image"  # it says it is a scan: the OCR reader fails saying it is damaged
    if suffix in ASSET_SUFFIXES:
        return "unrelated"
    if suffix in OTHER_FORMATS:
        return "unsupported"
    if suffix in TEXT_SUFFIXES or _looks_like_text(data):
        return "text"
    return "unsupported"


def unrelated_file(source: str, data: bytes):
    raise UnsupportedFormat(f"{source}: not a filing ({Path(source).suffix.lower() or 'no suffix'} file "
                            "beside the filings); listed, not read", unrelated=True)


# What jixiao reads, in words: the unsupported-format message and `jixiao convert --help` both say it.
FORMATS_READ = ("text dumps (.txt), PDFs (.pdf), scans (.png, .jpg, .tif, or a <name>.pages/ folder of page images), "
                "saved web pages (.html, .htm, .shtml), Excel workbooks (.xlsx, .xls) and Word documents (.docx)")


def unsupported_file(source: str, data: bytes):
    suffix = Path(source).suffix.lower()
    what, target = OTHER_FORMATS.get(suffix, (f"a {suffix or 'suffix-less'} file jixiao has no reader for", None))
    if data.startswith(b"PK\x03\x04") and suffix not in OTHER_FORMATS:
        what = "a ZIP package that is neither .docx nor .xlsx"
    hint = f"; convert it to {target}" if target else (
        "; unpack it and convert the folder" if suffix in (".zip", ".rar", ".7z") or data.startswith(b"PK") else "")
    raise UnsupportedFormat(f"{source}: skipped: {what}; jixiao reads .txt, .pdf, images, .html, .xlsx, .xls "
                            f"and .docx{hint}")  # FORMATS_READ, short: a manifest line


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
        raise UnreadableFormat(f"{source}: damaged page set", code=ErrorCode.CORRUPT_FILE) from None
    if not pages:
        raise UnreadableFormat(f"{source}: the page folder holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})",
                               code=ErrorCode.EMPTY_FOLDER)
    return pages


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → '1-3, 7, 9-10', for messages that name pages or lines."""
    out, start = [], numbers[0]
    for a, b in zip(numbers, numbers[1:] + [None]):
        if b != a + 1:
            out.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ", ".join(out)


def cluster_values(values, tolerance: float) -> list[float]:
    """Positions that lie within ``tolerance`` of the previous one are one position (their mean):
    the ruling lines of a table, drawn or seen on a scan, as column and row edges."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(group) / len(group) for group in groups]
