"""Builders of the hostile files of issue 23's probe, at the probe's size or at a small one.

Big files are streamed to disk and their compressed parts are made without
compressing gigabytes: a deflate block of 1 MB of blanks, flushed so that it
stands alone, is the same bytes every time, so a stream of N such blocks is
that block N times (:func:`repeated_deflate`); only the checksum runs over the
whole. Nothing here is committed output: every file is made at test or bench time.
"""

from __future__ import annotations

import binascii
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Iterator, Optional

from helpers import SAMPLES, SEED
from pdf_factory import serialize_pdf

FORMATS = SAMPLES / "formats"
GANZI = "ganzi-budget-export-2024"
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
MB = 1 << 20
BLANKS = b" " * MB


# ---------------------------------------------------------------- deflate without the work

def repeated_deflate(head: bytes, chunk: bytes, count: int, tail: bytes, *, raw: bool) -> tuple[bytes, int, int]:
    """``head + chunk * count + tail`` deflated (zlib-wrapped, or raw for a ZIP), its CRC-32 and size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a flushed block of the same bytes must compress the same"
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    # the compressor saw the chunk twice; the stream holds it count times: its checksums are made here
    crc, adler = zlib.crc32(head), zlib.adler32(head)
    for _ in range(count):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    crc, adler = zlib.crc32(tail, crc), zlib.adler32(tail, adler)
    if not raw:
        end = end[:-4] + struct.pack(">I", adler)
    body = start + block * count
    return body + end, crc, len(head) + len(chunk) * count + len(tail)


def flate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


# ---------------------------------------------------------------- PDF

def pdf_with_stream(body: bytes, filters: bytes, eol: bytes = b"\n") -> bytes:
    """A one-page PDF whose content stream is ``body`` under ``/Filter filters``, its keyword ended by ``eol``."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               b"<< /Length %d /Filter %s >>\nstream" % (len(body), filters) + eol + body + b"\nendstream",
               HELVETICA]
    return serialize_pdf(objects)


def blank_flate(megabytes: int) -> bytes:
    """A zlib stream that inflates to ``megabytes`` MB of blanks."""
    return repeated_deflate(b"", BLANKS, megabytes, b"", raw=False)[0]


def pdf_cr_stream(megabytes: int) -> bytes:
    """``stream`` ended by a CR alone, which pdfium reads and the old guard did not."""
    return pdf_with_stream(blank_flate(megabytes), b"/FlateDecode", eol=b"\r")


def pdf_hex_flate(megabytes: int) -> bytes:
    return pdf_with_stream(binascii.hexlify(blank_flate(megabytes)) + b">", b"[/ASCIIHexDecode /FlateDecode]")


def pdf_flate_flate(megabytes: int) -> bytes:
    return pdf_with_stream(flate(blank_flate(megabytes)), b"[/FlateDecode /FlateDecode]")


# ---------------------------------------------------------------- ZIP packages (.xlsx, .docx) by hand

def write_zip(path: Path, members: Iterable[tuple[str, bytes, int, int]]) -> None:
    """A ZIP of (name, raw deflate data, CRC-32, size) members, written as they come."""
    central, offset = [], 0
    with open(path, "wb") as out:
        for name, data, crc, size in members:
            encoded = name.encode()
            header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size & 0xFFFFFFFF,
                                 len(encoded), 0)
            out.write(header + encoded + data)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data),
                                       size & 0xFFFFFFFF, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
            offset += len(header) + len(encoded) + len(data)
        directory = b"".join(central)
        out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory),
                                          offset, 0))


def member(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def repeated_member(name: str, head: bytes, chunk: bytes, count: int, tail: bytes) -> tuple[str, bytes, int, int]:
    data, crc, size = repeated_deflate(head, chunk, count, tail, raw=True)
    return name, data, crc, size


XLSX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
    b'.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(path: Path, sheet: tuple[str, bytes, int, int], *extra: tuple[str, bytes, int, int]) -> None:
    write_zip(path, [*(member(name, data) for name, data in XLSX_PARTS.items()), sheet, *extra])


def xlsx_blank_bomb(path: Path, megabytes: int) -> None:
    """1.5 MB of blanks in the sheet that inflate to 1.5 GB."""
    xlsx(path, repeated_member("xl/worksheets/sheet1.xml", SHEET_HEAD, BLANKS, megabytes, SHEET_TAIL))


def xlsx_shared_string(path: Path, megabytes: int) -> None:
    """One shared string of ``megabytes`` MB (the probe's: 1 GB)."""
    sheet = SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/' \
           b'2006/main" count="1" uniqueCount="1"><si><t>'
    strings = repeated_member("xl/sharedStrings.xml", head, "指".encode() * (MB // 3), megabytes, b"</t></si></sst>")
    xlsx(path, member("xl/worksheets/sheet1.xml", sheet), strings)


def xlsx_rows(path: Path, rows: int) -> None:
    """A sheet of ``rows`` one-cell rows (the probe's: 1,000,000)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(1, rows + 1))
    xlsx(path, member("xl/worksheets/sheet1.xml", SHEET_HEAD + body + SHEET_TAIL))


def xlsx_merged_range(path: Path) -> None:
    """One merged range over the rest of the sheet, A30:XFD1048576 (2.4 KB)."""
    sheet = (SHEET_HEAD + b'<row r="30"><c r="A30" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
             b'<mergeCells count="1"><mergeCell ref="A30:XFD1048576"/></mergeCells></worksheet>')
    xlsx(path, member("xl/worksheets/sheet1.xml", sheet))


def xlsx_number_format(path: Path, zeros: int, cells: int) -> None:
    """A number format of ``zeros`` zeros on ``cells`` cells (the probe's: 100,000 on 2,000)."""
    styles = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="' + b"0" * zeros +
              b'"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1">'
              b'<border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/>'
              b'<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    body = b"".join(b'<row r="%d"><c r="A%d" s="1"><v>%d.5</v></c></row>' % (n, n, n) for n in range(1, cells + 1))
    xlsx(path, member("xl/worksheets/sheet1.xml", SHEET_HEAD + body + SHEET_TAIL), member("xl/styles.xml", styles))


DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    b'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b'</Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}
DOC_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body>')
DOC_TAIL = b"</w:body></w:document>"


def docx(path: Path, document: tuple[str, bytes, int, int]) -> None:
    write_zip(path, [*(member(name, data) for name, data in DOCX_PARTS.items()), document])


def docx_blank_bomb(path: Path, megabytes: int) -> None:
    """A text run of ``megabytes`` MB of blanks (the probe's: 1.5 GB)."""
    docx(path, repeated_member("word/document.xml", DOC_HEAD + b'<w:p><w:r><w:t xml:space="preserve">', BLANKS,
                               megabytes, b"</w:t></w:r></w:p>" + DOC_TAIL))


def docx_paragraphs(path: Path, count: int) -> None:
    """``count`` empty paragraphs (the probe's: 3,000,000 in 428 KB)."""
    chunk = b"<w:p/>" * 10_000
    docx(path, repeated_member("word/document.xml", DOC_HEAD, chunk, max(1, count // 10_000), DOC_TAIL))


def docx_grid_span(path: Path, cells: int = 50) -> None:
    """The ganzi Word filing with one more table: a row of ``cells`` cells of gridSpan="100000000"."""
    hostile = (b"<w:tbl><w:tr>" + b'<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>x</w:t>'
               b"</w:r></w:p></w:tc>" * cells + b"</w:tr></w:tbl>")
    _rewrite_zip(FORMATS / f"{GANZI}.docx", path, {"word/document.xml": lambda xml: xml.replace(
        b"<w:body>", b"<w:body>" + hostile, 1)})


def _rewrite_zip(source: Path, target: Path, changes: dict) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename in changes:
                data = changes[info.filename](data)
            new.writestr(info, data)


def xlsx_bad_style(path: Path) -> None:
    """The ganzi workbook with its first cell pointing at style 999, which it does not define."""
    _rewrite_zip(FORMATS / f"{GANZI}.xlsx", path, {"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        b'<c r="A1" t="inlineStr">', b'<c r="A1" s="999" t="inlineStr">', 1)})


# ---------------------------------------------------------------- HTML

def ganzi_page() -> str:
    return (FORMATS / f"{GANZI}.html").read_bytes().decode("gb18030")


def page_bytes(text: str) -> bytes:
    return text.encode("gb18030")


def html_nul(where: str) -> bytes:
    """A NUL inside the header word 指标值 ("header") or inside a level-3 name ("value")."""
    page = ganzi_page()
    if where == "header":
        return page_bytes(page.replace("指标值", "指标\x00值", 1))
    return page_bytes(page.replace("开展食品安全抽检批次", "开展食品\x00安全抽检批次", 1))


def html_rows(path: Path, megabytes: int) -> None:
    """A page of one table and ``megabytes`` MB of rows (the probe's: 100 MB)."""
    row = b"<tr><td>1</td><td>2</td><td>3</td></tr>\n" * 25_000
    with open(path, "wb") as out:
        out.write(b"<html><body><table>")
        for _ in range(max(1, megabytes * MB // len(row))):
            out.write(row)
        out.write(b"</table></body></html>")


def html_spans(rows: int) -> bytes:
    """``rows`` rows of one cell with rowspan = colspan = 100000 (the probe's: 2,000 in 118 KB)."""
    return b"<html><body><table>" + b'<tr><td rowspan="100000" colspan="100000">x</td></tr>' * rows + \
        b"</table></body></html>"


def html_tables(count: int) -> bytes:
    """``count`` one-cell tables (the probe's: 100,000)."""
    return b"<html><body>" + b"<table><tr><td>x</td></tr></table>" * count + b"</body></html>"


def html_deep_table(depth: int) -> bytes:
    """The ganzi page with its tables inside ``depth`` nested divs (the probe: 253 lost the table)."""
    page = ganzi_page()
    start, end = page.index("<table class='block'>"), page.rindex("</table>") + len("</table>")
    return page_bytes(page[:start] + "<div>" * depth + page[start:end] + "</div>" * depth + page[end:])


def html_nested_tables(depth: int) -> bytes:
    """The ganzi table at the bottom of ``depth`` tables nested one in another (the probe's: 10,000)."""
    page = ganzi_page()
    start, end = page.index("<table class='indicators'>"), page.rindex("</table>") + len("</table>")
    wrapped = "<table><tr><td>" * depth + page[start:end] + "</td></tr></table>" * depth
    return page_bytes(page[:start] + wrapped + page[end:])


def html_rot13() -> bytes:
    return (FORMATS / f"{GANZI}.html").read_bytes().replace(b"charset=gb2312", b"charset=rot13")


# ---------------------------------------------------------------- text and legacy

def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def text_single_line(path: Path, megabytes: float) -> None:
    """One line of ``megabytes`` MB (the probe's: 50 MB)."""
    _fill(path, seed_text().replace("\n", " ").encode(), megabytes)


def text_lines(path: Path, megabytes: float) -> None:
    """Short lines, ``megabytes`` MB of them (the probe's: 94 MB, 2 million lines)."""
    _fill(path, "一级指标 二级指标 三级指标 指标值\n".encode() * 1000, megabytes)


def text_file_of(path: Path, megabytes: float) -> None:
    """The seed again and again, ``megabytes`` MB (the probe's: 1 GB)."""
    _fill(path, seed_text().encode() * 64, megabytes)


def _fill(path: Path, piece: bytes, megabytes: float) -> None:
    """``piece`` again and again, ``megabytes`` MB exactly (the last piece cut)."""
    size = int(megabytes * MB)
    with open(path, "wb") as out:
        for _ in range(size // len(piece)):
            out.write(piece)
        out.write(piece[:size % len(piece)])


def text_semicolon_formula() -> bytes:
    """The seed with an explanation a ;-separated Excel would cut in two and run."""
    lines = seed_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("指标解释")) + 1
    lines[first] = "按时完成;=cmd|' /C calc'!A0"
    return ("\n".join(lines) + "\n").encode()


def damaged_xls() -> bytes:
    """An Excel 97 workbook whose directory and streams were overwritten: only its header is left."""
    data = bytearray((FORMATS / f"{GANZI}.xls").read_bytes())
    data[512:] = bytes(len(data) - 512)
    return bytes(data)


def chunks_of(path: Path, size: int = MB) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while piece := handle.read(size):
            yield piece


def write(path: Path, data: Optional[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        path.write_bytes(data)
