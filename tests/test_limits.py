"""Budgets before parsing, per format (issue 23, items 6-10): each limit is checked before the work it
bounds and fails with a line naming the limit and the setting that raises it; the batch's process
never holds an input whole. The probe's cases at full size are in tests/hostile_inputs.py."""

from __future__ import annotations

import base64
import binascii
import zlib
from pathlib import Path

import pytest

import hostile_files as hf
from helpers import SEED, read_jsonl
from jixiao.extractors.limits import ExtractionLimits, applied
from jixiao.extractors.pdf_limits import check_inflation, stream_filters
from jixiao.model.errors import (
    CellTooLong,
    DecompressionBomb,
    InputTooLarge,
    LimitExceeded,
    MergedAreaTooLarge,
    NestedTooDeep,
    NumberFormatTooLong,
    TableTooLarge,
    TooManyLines,
    TooManyTables,
    UnreadableFormat,
)
from jixiao.pipeline import convert
from jixiao.pipeline.runner import extract_data

FORMATS = hf.FORMATS


def refused(data: bytes, name: str, **limits) -> LimitExceeded:
    """The LimitExceeded extracting ``data`` as ``name`` raises under ``limits``."""
    from jixiao.extractors import extract

    with pytest.raises(LimitExceeded) as caught:
        extract(name, data, ExtractionLimits(**limits))
    return caught.value


def test_a_limit_message_names_the_limit_and_every_way_to_raise_it():
    error = TableTooLarge("x.xlsx", "sheet 'S' spans 3 rows × 1 column = 3 cells", limit="max_cells", allowed=2)
    assert str(error) == ("x.xlsx: sheet 'S' spans 3 rows × 1 column = 3 cells, more than the limit max_cells = 2; "
                          "not read (to read it anyway, raise the limit: ConvertOptions(max_cells=…), "
                          "JIXIAO_MAX_CELLS=…)")
    pages = InputTooLarge("x.pdf", "x", limit="max_pages", allowed=4)
    assert "--max-pages, ConvertOptions(max_pages=…), JIXIAO_MAX_PAGES=…" in str(pages)
    assert isinstance(error, UnreadableFormat)  # a failed line, like every unreadable input


# ---------------------------------------------------------------- PDF streams, whatever the filters

def _chain_pdf(filters: bytes, body: bytes, eol: bytes = b"\n") -> bytes:
    return hf.pdf_with_stream(body, filters, eol)


FOUR_MB = 4 * hf.MB


def lzw(data: bytes) -> bytes:
    """LZW as PDF writes it (EarlyChange 1: a code is one bit wider as soon as the decoder's table,
    which runs one entry behind the encoder's, is one short of the width's end), 9 to 12 bits."""
    codes: list[tuple[int, int]] = []
    table, width, decoder, first = {bytes([n]): n for n in range(256)}, 9, 258, True
    word = b""

    def emit(code: int) -> None:
        nonlocal width, decoder, first
        codes.append((code, width))
        if first:
            first = False
            return
        decoder += 1
        if decoder + 1 >= (1 << width) and width < 12:
            width += 1

    for byte in data:
        grown = word + bytes([byte])
        if grown in table:
            word = grown
            continue
        emit(table[word])
        table[grown] = len(table) + 2  # 256 and 257 are clear and end
        word = bytes([byte])
        if len(table) + 2 >= 4095:
            codes.append((256, width))
            table, width, decoder, first = {bytes([n]): n for n in range(256)}, 9, 258, True
    emit(table[word])
    codes.append((257, width))
    bits = buffer = 0
    out = bytearray()
    for code, size in codes:
        buffer, bits = (buffer << size) | code, bits + size
        while bits >= 8:
            bits -= 8
            out.append((buffer >> bits) & 0xFF)
    if bits:
        out.append((buffer << (8 - bits)) & 0xFF)
    return bytes(out)


def test_the_lzw_decoder_decodes_what_the_encoder_wrote():
    from jixiao.extractors.pdf_limits import _lzw

    text = SEED.read_bytes()[:20_000] * 3
    assert b"".join(_lzw(iter([lzw(text)]))) == text


@pytest.mark.parametrize("name, pdf", [
    ("flate", lambda: _chain_pdf(b"/FlateDecode", hf.blank_flate(4))),
    ("cr-only", lambda: hf.pdf_cr_stream(4)),
    ("crlf", lambda: _chain_pdf(b"/FlateDecode", hf.blank_flate(4), eol=b"\r\n")),
    ("hex-flate", lambda: hf.pdf_hex_flate(4)),
    ("flate-flate", lambda: hf.pdf_flate_flate(4)),
    ("a85-flate", lambda: _chain_pdf(b"[/ASCII85Decode /FlateDecode]", base64.a85encode(hf.blank_flate(4)) + b"~>")),
    ("hex-flate-flate", lambda: _chain_pdf(b"[/AHx /Fl /Fl]", binascii.hexlify(hf.flate(hf.blank_flate(4))) + b">")),
    ("run-length", lambda: _chain_pdf(b"/RunLengthDecode", bytes([129, 32]) * (FOUR_MB // 128) + b"\x80")),
    ("lzw", lambda: _chain_pdf(b"/LZWDecode", lzw(b" " * (3 * hf.MB // 2)))),
    ("indirect-filter", lambda: hf.pdf_with_stream(hf.flate(hf.blank_flate(4)), b"6 0 R").replace(
        b"trailer", b"6 0 obj\n[/FlateDecode /FlateDecode]\nendobj\ntrailer")),
    ("padded-dictionary", lambda: _chain_pdf(b"[/ASCIIHexDecode /FlateDecode]" + b" " * 10_000,
                                             binascii.hexlify(hf.blank_flate(4)) + b">")),
    ("unknown-filter-object", lambda: hf.pdf_with_stream(hf.flate(hf.blank_flate(4)), b"9 0 R")),
])
def test_every_pdf_stream_is_counted_through_its_whole_filter_chain(name, pdf):
    with pytest.raises(DecompressionBomb) as caught, applied(ExtractionLimits(max_inflated_mb=1)):
        check_inflation("x.pdf", pdf())
    assert "max_inflated_mb = 1 MB" in str(caught.value) and "JIXIAO_MAX_INFLATED_MB" in str(caught.value)


def test_a_stream_within_the_limit_and_image_filters_pass():
    with applied(ExtractionLimits(max_inflated_mb=1)):
        check_inflation("x.pdf", hf.pdf_with_stream(hf.blank_flate(0) + zlib.compress(b" " * 1000), b"/FlateDecode"))
        check_inflation("x.pdf", _chain_pdf(b"[/FlateDecode /DCTDecode]", zlib.compress(b"\xff\xd8" + b"\0" * 1000)))
        check_inflation("x.pdf", hf.GANZI and (FORMATS / f"{hf.GANZI}.pdf").read_bytes())


def test_the_filter_chain_is_read_from_the_dictionary():
    pdf = _chain_pdf(b"[/ASCIIHexDecode /FlateDecode]", b"00>")
    at = pdf.index(b"stream")
    assert stream_filters(pdf, at) == ["ASCIIHexDecode", "FlateDecode"]
    assert stream_filters(b"<< /Length 3 >>\nstream\n", 16) is None  # no object around it: the bytes decide
    assert stream_filters(b"1 0 obj << /Length 3 >>\nstream\n", 24) == []


# ---------------------------------------------------------------- workbooks and Word documents

def test_a_workbook_part_that_inflates_too_far_is_refused_before_openpyxl(tmp_path, monkeypatch):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl was reached"))
    hf.xlsx_blank_bomb(tmp_path / "x.xlsx", 3)
    # blanks between elements are text too (max_cell_chars would stop them first): the part's size here
    error = refused((tmp_path / "x.xlsx").read_bytes(), "x.xlsx", max_part_mb=1, max_cell_chars=1 << 30)
    assert isinstance(error, DecompressionBomb) and "xl/worksheets/sheet1.xml" in str(error)


@pytest.mark.parametrize("build, limits, kind, words", [
    (lambda p: hf.xlsx_rows(p, 300), {"max_cells": 200}, TableTooLarge, "more than 200 cells"),
    (lambda p: hf.xlsx_merged_range(p), {}, MergedAreaTooLarge, "A30:XFD1048576"),
    (lambda p: hf.xlsx_number_format(p, 300, 3), {}, NumberFormatTooLong, "300 characters long"),
    (lambda p: hf.xlsx_shared_string(p, 2), {"max_cell_chars": 100_000}, CellTooLong, "xl/sharedStrings.xml"),
])
def test_a_workbook_past_a_budget_is_refused_by_its_scan(tmp_path, build, limits, kind, words):
    build(tmp_path / "x.xlsx")
    error = refused((tmp_path / "x.xlsx").read_bytes(), "x.xlsx", **limits)
    assert isinstance(error, kind) and words in str(error), str(error)


def test_the_extent_of_a_sheet_counts_its_valued_cells_only(tmp_path):
    """A styled, empty cell at XFD1048576 (a common ghost of formatting) costs nothing: only cells
    holding a value span the table, and only the cells that exist are visited."""
    from jixiao.extractors.zip_limits import check_package

    sheet = hf.SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="0"/>' \
        b"</row>" + hf.SHEET_TAIL
    hf.xlsx(tmp_path / "x.xlsx", hf.member("xl/worksheets/sheet1.xml", sheet))
    with applied(ExtractionLimits(max_cells=10)):
        check_package("x.xlsx", (tmp_path / "x.xlsx").read_bytes())
    far = sheet.replace(b's="0"/>', b"><v>2</v></c>")
    hf.xlsx(tmp_path / "y.xlsx", hf.member("xl/worksheets/sheet1.xml", far))
    with pytest.raises(TableTooLarge, match="1,048,576 rows × 16,384 columns"), applied(ExtractionLimits()):
        check_package("y.xlsx", (tmp_path / "y.xlsx").read_bytes())


def test_an_xml_part_with_a_doctype_is_refused():
    from jixiao.extractors.zip_limits import check_package
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    with pytest.raises(UnreadableFormat, match="declares a DOCTYPE"):
        check_package("x.docx", buffer.getvalue())


def test_a_zip_of_too_many_parts_is_not_opened():
    from jixiao.extractors.zip_limits import MAX_PARTS, check_package
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for n in range(MAX_PARTS + 1):
            package.writestr(f"p{n}", b"")
    with pytest.raises(UnreadableFormat, match="10,001 parts"):
        check_package("x.xlsx", buffer.getvalue())


@pytest.mark.parametrize("build, limits, kind", [
    (lambda p: hf.docx_paragraphs(p, 30_000), {"max_lines": 20_000}, TooManyLines),
    (lambda p: hf.docx_blank_bomb(p, 3), {"max_part_mb": 1, "max_cell_chars": 1 << 30}, DecompressionBomb),
    (lambda p: hf.docx_blank_bomb(p, 1), {"max_cell_chars": 100_000}, CellTooLong),
])
def test_a_word_document_past_a_budget_is_refused_by_its_scan(tmp_path, build, limits, kind):
    build(tmp_path / "x.docx")
    assert isinstance(refused((tmp_path / "x.docx").read_bytes(), "x.docx", **limits), kind)


def test_spans_past_any_grid_are_capped_and_the_real_table_reads(tmp_path):
    hf.docx_grid_span(tmp_path / "span.docx")
    result = extract_data("span.docx", (tmp_path / "span.docx").read_bytes())
    assert result.fragments and len(next(iter(result.fragments.values())).rows) == 6


# ---------------------------------------------------------------- web pages

def test_a_table_under_hundreds_of_nested_elements_is_read():
    """Issue 23: under 253 nested elements libxml2 dropped the table ('holds no table')."""
    for depth in (300, 480):
        filing = extract_data("deep.html", hf.html_deep_table(depth))
        assert len(filing.fragments[next(iter(filing.fragments))].rows) == 6, depth


@pytest.mark.parametrize("data, limits, kind", [
    (lambda: hf.html_nested_tables(300), {}, NestedTooDeep),
    (lambda: hf.html_tables(1_500), {}, TooManyTables),
    (lambda: hf.html_spans(300), {}, TableTooLarge),
    (lambda: hf.html_spans(100), {"max_cells": 1 << 30}, MergedAreaTooLarge),
    (lambda: b"<html><body><table><tr><td>x</td></tr></table>" + b"<p>x</p>" * 3000 + b"</body></html>",
     {"max_lines": 2000}, TooManyLines),
    (lambda: b"<html><body>" + b" " * (2 * hf.MB) + b"</body></html>", {"max_page_mb": 1}, InputTooLarge),
])
def test_a_page_past_a_budget_is_refused(data, limits, kind):
    assert isinstance(refused(data(), "x.html", **limits), kind)


def test_many_tables_share_one_list_of_lines():
    """Every grid of a page carries every line: once, not once per table."""
    from jixiao.extractors.html import extract_html

    extracted = extract_html("x.html", hf.html_tables(200))
    assert len(extracted.grids) == 200 and len({id(grid.lines) for grid in extracted.grids}) == 1


# ---------------------------------------------------------------- text dumps

@pytest.mark.parametrize("build, limits, kind, words", [
    (lambda p: hf.text_file_of(p, 1.5), {"max_text_mb": 1}, InputTooLarge, "the text is 1.5 MB"),
    (lambda p: hf.text_lines(p, 0.5), {"max_lines": 5_000}, TooManyLines, "lines"),
    (lambda p: hf.text_single_line(p, 0.5), {"max_cell_chars": 100_000}, CellTooLong, "line 1 holds"),
])
def test_a_text_past_a_budget_is_refused_before_it_is_decoded(tmp_path, build, limits, kind, words):
    build(tmp_path / "x.txt")
    error = refused((tmp_path / "x.txt").read_bytes(), "x.txt", **limits)
    assert isinstance(error, kind) and words in str(error), str(error)


def test_the_seed_passes_every_default_budget():
    filing = extract_data(str(SEED), SEED.read_bytes(), ExtractionLimits())
    assert len(next(iter(filing.fragments.values())).rows) == 14


# ---------------------------------------------------------------- reading: the batch never holds an input whole

def test_an_input_past_max_input_mb_is_never_read(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    hf.text_file_of(big, 3)
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real(self))
    result = convert([str(big), str(SEED)], tmp_path / "out", memory=None, max_input_mb=2)
    entry = result.manifest[0]
    assert entry.status.value == "failed" and "max_input_mb = 2 MB" in entry.error and "JIXIAO_MAX_INPUT_MB" in entry.error
    assert result.manifest[1].records == 14
    assert big not in read


def test_the_parent_hashes_in_pieces_and_the_worker_reads_the_file(tmp_path, monkeypatch):
    """The local engine's tasks carry a path and a fingerprint, not the bytes."""
    from jixiao.pipeline import batch

    sent = []
    real = batch.extract_task
    monkeypatch.setattr(batch, "extract_task", lambda source, content, limits=None: (
        sent.append(content), real(source, content, limits))[1])
    convert([str(SEED)], tmp_path / "out", memory=None, engine="serial")
    ((path, fingerprint),) = sent
    assert path == str(SEED) and fingerprint.size == SEED.stat().st_size


def test_a_file_that_changes_after_it_was_hashed_is_refused(tmp_path):
    from jixiao.pipeline.reading import fingerprint, read_source

    path = tmp_path / "x.txt"
    path.write_bytes(SEED.read_bytes())
    known = fingerprint(str(path))
    path.write_bytes(SEED.read_bytes() + b"\n")
    entry = read_source(str(path), expected=known)
    assert entry.status.value == "failed" and "changed while the batch ran" in entry.error


def test_a_page_set_hashes_like_the_blob_it_travels_in(tmp_path):
    import hashlib

    from jixiao.extractors.base import pack_page_set
    from jixiao.pipeline.reading import fingerprint

    folder = tmp_path / "scan.pages"
    folder.mkdir()
    for name in ("p1.png", "p2.png", "p10.png"):
        (folder / name).write_bytes(name.encode() * 100)
    known = fingerprint(str(folder))
    blob = pack_page_set(folder)
    assert known.sha256 == hashlib.sha256(blob).digest() and known.size == len(blob)


def test_limits_reach_the_manifest_with_the_batch(tmp_path):
    hf.xlsx_rows(tmp_path / "rows.xlsx", 300)
    convert([str(tmp_path / "rows.xlsx")], tmp_path / "out", memory=None, engine="local", workers=1, max_cells=200)
    (entry,) = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert entry["status"] == "failed" and "max_cells = 200" in entry["error"]


def test_ascii85_decodes_as_the_standard_library():
    """The stream filters' ASCII85 decoder (no NumPy since issue 22) gives base64's bytes, z groups,
    white space and partial last groups included, and refuses what is not ASCII85."""
    import random

    from jixiao.extractors.pdf_limits import a85decode

    rng = random.Random(22)
    for _ in range(2000):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40))) + b"\0" * rng.choice([0, 0, 4, 9])
        encoded = base64.a85encode(data, wrapcol=rng.choice([0, 0, 17]))
        assert a85decode(encoded + rng.choice([b"", b"~>"])) == data
    for bad in (b"ab{cd", b"s8W-\""):  # a byte outside ! … u; a group above 2**32 - 1
        with pytest.raises(ValueError):
            a85decode(bad)
