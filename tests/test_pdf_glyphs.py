"""Characters of a page whose fonts the PDF does not embed come from the PDF's own font data (issue 20)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from jixiao.extractors.pdf_glyphs import EM_BOTTOM, EM_TOP
from jixiao.extractors.pdf_page import PdfFile, read_page
from pdf_factory import raw_pdf

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"  # not embedded: the file names it only


def _chars(data: bytes, page: int = 0) -> tuple[list[dict], float]:
    document = pdfium.PdfDocument(data)
    try:
        content = read_page(PdfFile(document, data), page)
        return content.chars, content.height
    finally:
        document.close()


def _reportlab(tmp_path, draw) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "drawn.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    c.setFont("STSong-Light", 10)
    draw(c)
    c.save()
    return path.read_bytes()


def test_widths_come_from_the_fonts_w_array_and_heights_from_the_em_box(tmp_path):
    data = _reportlab(tmp_path, lambda c: c.drawString(100, 700, "2022年度"))
    chars, height = _chars(data)
    assert "".join(c["text"] for c in chars) == "2022年度"
    two, year = chars[0], chars[4]
    # reportlab writes STSong-Light's /W: 462 for the digits, the default 1000 for the ideographs
    assert two["x1"] - two["x0"] == pytest.approx(4.62, abs=1e-6)
    assert year["x0"] == pytest.approx(100 + 4 * 4.62, abs=1e-4) and year["x1"] - year["x0"] == pytest.approx(10)
    assert {round(c["top"], 6) for c in chars} == {round(height - 700 - EM_TOP * 10, 6)}
    assert {round(c["bottom"], 6) for c in chars} == {round(height - 700 - EM_BOTTOM * 10, 6)}
    assert {c["size"] for c in chars} == {10}


def test_a_one_character_text_object_is_read(tmp_path):
    """A unit or operator cell alone in its text object: pdfium's text page left it out where the
    machine's substitute font had no glyph for it."""
    def draw(c):
        c.drawString(100, 700, "件")
        c.drawString(200, 700, "≥")
        c.drawString(300, 700, "人次")

    chars, _ = _chars(_reportlab(tmp_path, draw))
    assert sorted(c["text"] for c in chars) == sorted("件≥人次")


def test_glyphs_are_placed_by_the_text_state():
    """Character spacing, word spacing, horizontal scaling, rise and TJ adjustments move the pen as
    PDF 32000 9.4.4 says, and a text object that follows without a new position goes on from the
    end of the one before. Helvetica's widths: A 667, B 667, space 278, C 722."""
    stream = (b"BT /F1 10 Tf 2 Tc 3 Tw 80 Tz 4 Ts 1 0 0 1 50 700 Tm [(AB) -500 ( C)] TJ (A) Tj ET")
    chars, height = _chars(raw_pdf([stream], HELVETICA))
    assert "".join(c["text"] for c in chars) == "AB CA"
    scale = 0.8  # 80 Tz
    x = 50.0
    expected = []
    for char, width, adjustment in (("A", 667, 0), ("B", 667, -500), (" ", 278, 0), ("C", 722, 0), ("A", 667, 0)):
        expected.append(x)
        # a TJ number is thousandths of the font size, subtracted: -500 moves the next glyph right
        x += (width / 1000 * 10 + 2 + (3 if char == " " else 0)) * scale - adjustment / 1000 * 10 * scale
    assert [round(c["x0"], 4) for c in chars] == [round(v, 4) for v in expected]
    assert chars[0]["x1"] - chars[0]["x0"] == pytest.approx(0.667 * 10 * scale)
    assert chars[0]["top"] == pytest.approx(height - (700 + 4 + EM_TOP * 10))  # the rise lifts the glyphs


def test_a_text_object_drawn_again_over_itself_is_read_once():
    """Fake bold: the same string drawn twice, a fraction of a glyph apart. Drawn far apart, it is
    two strings."""
    twice = b"BT /F1 10 Tf 100 700 Td (AB) Tj ET BT /F1 10 Tf 100.4 700 Td (AB) Tj ET"
    apart = b"BT /F1 10 Tf 100 700 Td (AB) Tj ET BT /F1 10 Tf 200 700 Td (AB) Tj ET"
    assert "".join(c["text"] for c in _chars(raw_pdf([twice], HELVETICA))[0]) == "AB"
    assert "".join(c["text"] for c in _chars(raw_pdf([apart], HELVETICA))[0]) == "ABAB"


def test_type3_glyphs_take_their_widths_from_widths_and_the_font_matrix(tmp_path):
    from heldout import rawpdf
    from heldout.layout import Geometry

    spec = {"department": "测试局", "year": 2024, "duties": ["职责。"], "goals": ["目标。"],
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "level3": "培训人次", "operator": "≥",
                            "target": "120", "unit": "人次", "explanation": "说明。", "scoring_rule": "完成得5分",
                            "score": 5, "remark": None}]}
    path = tmp_path / "type3.pdf"
    rawpdf.write(spec, path, Geometry(font_size=10), type3=True)
    chars, _ = _chars(path.read_bytes())
    ones = [c for c in chars if c["text"] == "1"]
    assert ones and all(c["x1"] - c["x0"] == pytest.approx(rawpdf.TYPE3[49][1] / 1000 * 10) for c in ones)
    assert "≥" in {c["text"] for c in chars} and "人" in {c["text"] for c in chars}


def test_a_reference_pdf_is_read_as_the_filings_are(tmp_path):
    """``--reference`` PDFs go through the same reading: a one-character text object is there
    whatever fonts the machine has (``make test-without-fonts`` runs this with none)."""
    from jixiao.extractors.pdf import document_text

    def draw(c):
        c.drawString(100, 700, "资助人数")
        c.drawString(200, 700, "≥")
        c.drawString(230, 700, "件")

    text = document_text("ref.pdf", _reportlab(tmp_path, draw))
    assert text.split() == ["资助人数", "≥", "件"]
