"""The PDF extractor against the generator's truth: cells, pages, merged cells, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.extractors.pdf import text_layer_usable
from jixiao.pipeline import convert
from jixiao.model import FragmentKind

from helpers import SAMPLES, codes, read_filing
from pdf_factory import blank_pdf, garbage_text_pdf, prose_pdf

GENERATED = SAMPLES / "generated"
CASES = sorted(p.stem for p in GENERATED.glob("*.pdf"))
INDICATOR_FIELDS = ("level1", "level2", "level3", "operator", "target", "unit")


def truth_of(case: str) -> dict:
    return json.loads((GENERATED / f"{case}.truth.json").read_text(encoding="utf-8"))


def read(case: str):
    path = GENERATED / f"{case}.pdf"
    return read_filing(str(path), path.read_bytes())


@pytest.mark.parametrize("case", CASES)
def test_cells_are_the_drawn_strings(case):
    """Every cell reads back exactly as the generator drew it, spaces and all."""
    truth, filing = truth_of(case), read(case)
    garbled, rows = truth["garbled"], truth["garbled"]["rows"]
    assert filing.department.text == garbled["department"]
    assert "".join(item.label + item.cell.text for item in filing.duties).replace(" ", "") \
        .startswith(garbled["duties"].replace(" ", "")[:20])
    assert filing.year == truth["year"]
    fragments = filing.fragments
    assert [len(fragments[k].rows) for k in FragmentKind] == [len(rows)] * 3
    score_column = truth["garble"]["variants"]["score_column"]
    for row, expected in zip(fragments[FragmentKind.INDICATORS].rows, rows):
        assert {name: row.cells[name].text for name in INDICATOR_FIELDS} == \
            {name: expected[name] for name in INDICATOR_FIELDS}
    for row, expected in zip(fragments[FragmentKind.EXPLANATIONS].rows, rows):
        assert row.cells["explanation"].text == expected["explanation"]
    for row, expected in zip(fragments[FragmentKind.SCORING].rows, rows):
        cells = row.cells
        if score_column:  # the rule in its own cell keeps its trailing gap marker
            assert cells["scoring_rule"].text == expected["scoring_rule"]
        score = cells.get("score")
        assert (score.text if score else None) == (None if expected["score"] is None else str(expected["score"]))
        assert (cells["remark"].text if "remark" in cells else None) == (expected["remark"] or None)


@pytest.mark.parametrize("case", CASES)
def test_fragments_found_on_their_pages(case):
    """Pages and bboxes: fragments are where the layout says, behind any filler pages."""
    layout, filing = truth_of(case)["pdf_layout"]["pages"], read(case)
    for kind, number in ((FragmentKind.INDICATORS, 1), (FragmentKind.EXPLANATIONS, 2), (FragmentKind.SCORING, 3)):
        pages = [p for p in layout if p.get("fragment") == number]
        assert filing.fragments[kind].provenance.page == pages[0]["page"]
        for page in pages:  # rows of a continuation page carry that page
            first, end = page["rows"]
            for row in filing.fragments[kind].rows[first:end]:
                for cell in row.cells.values():
                    assert cell.provenance.page == page["page"]
                    x0, top, x1, bottom = cell.provenance.bbox
                    assert page["table_bbox"][0] - 1 <= x0 < x1 <= page["table_bbox"][2] + 1
    assert [p["page"] for p in filing.pages] == list(range(1, len(layout) + 1))
    assert {p["route"] for p in filing.pages} == {"text"}
    fragment_pages = {p["page"] for p in layout if p["kind"].startswith("fragment")}
    assert {p["page"] for p in filing.pages if p["fragment"]} == fragment_pages


def test_merged_level1_applies_to_every_row_of_its_span():
    case = "beihu-shijian-2022"
    layout = truth_of(case)["pdf_layout"]["pages"]
    merges = next(p for p in layout if p["kind"] == "fragment1")["merged_level1"]
    assert merges, "this sample draws merged 一级指标 cells"
    rows = read(case).fragments[FragmentKind.INDICATORS].rows
    for first, last in merges:
        cells = [rows[i].cells["level1"] for i in range(first, last + 1)]
        assert len({c.text for c in cells}) == 1 and cells[0].text
        assert len({c.provenance.bbox for c in cells}) == 1  # the one tall cell
        top, bottom = cells[0].provenance.bbox[1], cells[0].provenance.bbox[3]
        assert bottom - top > (last - first) * 10


def test_table_continuing_on_a_second_page():
    case = "shaoyangxian-nongye-2022"  # 9 rows on the first page, the rest on a 续表 page
    layout = truth_of(case)["pdf_layout"]["pages"]
    pages = [p for p in layout if p["kind"] == "fragment1"]
    assert len(pages) == 2 and pages[1]["continuation"]
    rows = read(case).fragments[FragmentKind.INDICATORS].rows
    assert [r.index for r in rows] == list(range(1, len(truth_of(case)["indicators"]) + 1))
    assert rows[pages[1]["rows"][0]].cells["level1"].provenance.page == pages[1]["page"]
    # the merged run restarts on the new page: its first row carries its own 一级指标
    assert rows[pages[1]["rows"][0]].cells["level1"].text


def test_text_layer_usable():
    assert text_layer_usable("部门整体支出绩效目标表\n一级指标 二级指标")
    assert not text_layer_usable("")
    assert not text_layer_usable("  \r\n ")
    assert not text_layer_usable("(cid:12)(cid:345)(cid:6) (cid:7)")
    assert not text_layer_usable("\x01\x04\x05\x06\x01\x04\x05\x06")
    assert not text_layer_usable("\ufffd\ufffd\ufffd\ue000\ue001")
    # pdfium's reading of a one-byte subset font without a /ToUnicode map (issue 21's (cid:N) PDFs):
    # control characters and accented Latin letters where the page prints Chinese
    assert not text_layer_usable("\x03\x04ÄÅ\x05Ç 12 ÉÑÖ\x06Ü 2023 áàâ\x07 ä")
    # a page in English, or Chinese with some accented names, is text
    assert text_layer_usable("Performance targets 2023: output indicators, quantity")
    assert text_layer_usable("一级指标 二级指标 Müller Café 满意度指标")


# ---- bad PDFs: each one a clear manifest status and a message naming the file ----

def _manifest(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    (entry,) = convert([str(path)]).manifest
    assert str(path) in (entry.error or "")
    return entry


def _encrypted(tmp_path: Path, monkeypatch, user_password: str) -> bytes:
    from reportlab.lib import pdfencrypt

    import samplegen.render_pdf as render

    truth = truth_of("changde-shengtai-2023")
    plain = render.canvas.Canvas
    monkeypatch.setattr(render.canvas, "Canvas", lambda *a, **k: plain(
        *a, encrypt=pdfencrypt.StandardEncryption(user_password, ownerPassword="owner"), **k))
    render.render_pdf(truth, truth["garble"], tmp_path / "rendered.pdf", truth["garbled"])
    return (tmp_path / "rendered.pdf").read_bytes()


def test_encrypted_with_a_password(tmp_path, monkeypatch):
    entry = _manifest(tmp_path, "locked.pdf", _encrypted(tmp_path, monkeypatch, "secret"))
    assert entry.status.value == "failed"
    assert codes(entry) == ["encrypted"]


def test_encrypted_with_an_empty_user_password_converts(tmp_path, monkeypatch):
    path = tmp_path / "open-lock.pdf"
    path.write_bytes(_encrypted(tmp_path, monkeypatch, ""))
    # reportlab leaves the font's CIDSystemInfo unencrypted in an encrypted file, so pdfminer alone
    # sees "(cid:N)"; the CMap's name gives the collection (extractors/pdf_fonts.py). pdfium, the
    # fallback for such pages, drops "≥" from this font: the operator cells must still come out.
    plain = GENERATED / "changde-shengtai-2023.pdf"
    encrypted_filing, plain_filing = read_filing(str(path), path.read_bytes()), read("changde-shengtai-2023")
    assert [[c.text for c in r.cells.values()] for f in encrypted_filing.fragments.values() for r in f.rows] == \
        [[c.text for c in r.cells.values()] for f in plain_filing.fragments.values() for r in f.rows]
    assert encrypted_filing.year == plain_filing.year
    (entry,) = convert([str(path)]).manifest
    assert entry.status.value != "failed" and entry.records == len(truth_of(plain.stem)["indicators"])


def test_truncated(tmp_path):
    data = (GENERATED / "beihu-shijian-2022.pdf").read_bytes()
    entry = _manifest(tmp_path, "cut.pdf", data[: len(data) * 2 // 3])
    assert entry.status.value == "failed" and codes(entry) == ["truncated_file"]


def test_corrupt(tmp_path):
    entry = _manifest(tmp_path, "broken.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert entry.status.value == "failed" and codes(entry) == ["corrupt_file"]


def test_not_a_pdf_at_all(tmp_path):
    entry = _manifest(tmp_path, "fake.pdf", "部门整体支出绩效目标表".encode())
    assert entry.status.value == "failed" and codes(entry) == ["corrupt_file"]


def test_no_performance_table(tmp_path):
    entry = _manifest(tmp_path, "report.pdf", prose_pdf())
    assert entry.status.value == "failed" and codes(entry) == ["no_table"]


@pytest.mark.parametrize("maker", [garbage_text_pdf, blank_pdf], ids=["cid-glyphs", "no-text"])
def test_unusable_text_layer_needs_ocr(tmp_path, maker, monkeypatch):
    import jixiao.extractors.ocr as ocr

    routed = []
    real = ocr.extract_ocr_pages
    monkeypatch.setattr(ocr, "extract_ocr_pages", lambda source, data, pages: routed.append(pages) or
                        real(source, data, pages))
    entry = _manifest(tmp_path, "scan.pdf", maker())
    assert entry.status.value == "failed" and codes(entry) == ["no_table"]  # OCR found no table either
    assert routed == [[1, 2]]  # both pages went to OCR


def test_filler_table_pages_are_not_taken_for_the_table():
    case = "hengyang-yingji-2023"  # 8 filler pages before the table, several of them ruled tables
    layout = truth_of(case)["pdf_layout"]["pages"]
    assert sum(p["kind"] == "filler_table" for p in layout) >= 1
    filing = read(case)
    first = next(p["page"] for p in layout if p["kind"] == "fragment1")
    assert filing.fragments[FragmentKind.INDICATORS].provenance.page == first
    assert not filing.errors


def test_inspect_draws_every_fragment_page(tmp_path):
    from jixiao.pipeline.cli import main

    case = "beihu-shijian-2023"
    assert main(["inspect", str(GENERATED / f"{case}.pdf"), "--png", str(tmp_path)]) == 0
    pages = [p["page"] for p in truth_of(case)["pdf_layout"]["pages"] if p["kind"].startswith("fragment")]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [f"{case}-p{n:03d}.png" for n in pages]
    assert main(["inspect", str(tmp_path / "missing.pdf"), "--png", str(tmp_path)]) == 1


def test_cid_font_collection_comes_from_the_cmap_name_when_system_info_is_unreadable(tmp_path, monkeypatch):
    """The cause of the encrypted case's lost "≥" (issue 14, item 10), at the font: pdfminer reads it."""
    import io

    import pdfplumber

    from jixiao.extractors.pdf_fonts import collection_of, use_repaired_fonts

    assert collection_of("UniGB-UCS2-H") == "Adobe-GB1" and collection_of("UniCNS-UTF16-H") == "Adobe-CNS1"
    assert collection_of("Identity-H") is None
    data = _encrypted(tmp_path, monkeypatch, "")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        use_repaired_fonts(pdf)
        text = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "(cid:" not in text and "≥" in text and "空气质量优良天数比例" in text
