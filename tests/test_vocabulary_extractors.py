"""Every extractor reads its columns through the one layout vocabulary (issue 11, item 3).

- A PDF of the seed's layout with the seed's own header cells (``指标值类``, ``指标值``, ``计量单``,
  ``评/扣分标准 | 备注`` with the score under 备注) reads operator, target, unit and score into
  the right fields: ``指标值类`` is a clipped 指标值类型, never 指标值.
- Adding a column name to the vocabulary is a one-line change (one more string in a field's
  ``headers`` in ``layout/vocabulary.py``, or :func:`~jixiao.layout.vocabulary.extend_headers`)
  that a PDF, a text dump and a scan all see.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from jixiao.layout import vocabulary
from jixiao.layout.vocabulary import column_fields, extend_headers, header_fragment, match_header, remark_holds_scores
from jixiao.model import FragmentKind
from jixiao.pipeline import convert

from helpers import SAMPLES, codes, read_filing

CASE = "hengyang-yingji-2022"  # 16 rows on one page, merged 一级指标 cells
NEW_NAME = "计划达成数"  # a plausible target header that the vocabulary does not know (nor ends like a name it knows)
SEED_HEADER = ("一级指标", "二级指标", "三级指标", "指标值类", "指标值", "计量单")


def _truth() -> dict:
    return json.loads((SAMPLES / "generated" / f"{CASE}.truth.json").read_text(encoding="utf-8"))


def _render(tmp_path: Path, name: str, **variants) -> tuple[Path, dict, dict]:
    import samplegen.render_pdf as render

    truth = _truth()
    garble = copy.deepcopy(truth["garble"])
    garble["variants"].update(variants)
    path = tmp_path / name
    layout = render.render_pdf(truth, garble, path, truth["garbled"])
    return path, truth, layout


def _norm(value):
    if value is None or str(value).strip() in ("", "/", "／"):
        return None
    return str(value).strip().replace("＝", "=").replace("＞", ">").replace("＜", "<")


# ------------------------------------------------------------------ the vocabulary itself

def test_seed_header_cells_map_to_their_fields():
    assert column_fields("indicators", SEED_HEADER) == ["level1", "level2", "level3", "operator", "target", "unit"]
    assert column_fields("scoring", ["评/扣分标准", "备注"]) == ["scoring_rule", "remark"]
    assert header_fragment(SEED_HEADER) == "indicators"
    assert header_fragment(["指标解释"]) == "explanations"
    assert header_fragment(["评/扣分标准", "备注"]) == "scoring"
    assert header_fragment(["绩效指标"]) is None and header_fragment(["项目", "金额", "备注"]) is None


def test_a_remark_column_of_numbers_is_the_score():
    assert remark_holds_scores(["scoring_rule", "remark"], ["5", "10", "/", "2.5", ""])
    assert not remark_holds_scores(["scoring_rule", "remark"], ["/", ""])  # no number at all
    assert not remark_holds_scores(["scoring_rule", "remark"], ["5", "以审计结果为准"])  # a real remark
    assert not remark_holds_scores(["scoring_rule", "score", "remark"], ["5", "10"])  # 分值 is there
    assert not remark_holds_scores(["remark", "scoring_rule"], ["5", "10"])  # not the trailing column


# ------------------------------------------------------------------ (a) the seed's header cells in a PDF

def test_pdf_with_the_seeds_own_header_cells(tmp_path):
    path, truth, layout = _render(tmp_path, "seed-headers.pdf", seed_headers=True)
    header_rows = {p["kind"] for p in layout["pages"]}
    assert {"fragment1", "fragment2", "fragment3"} <= header_rows
    filing = read_filing(str(path), path.read_bytes())
    garbled = truth["garbled"]["rows"]
    indicators = filing.fragments[FragmentKind.INDICATORS].rows
    scoring = filing.fragments[FragmentKind.SCORING].rows
    assert len(indicators) == len(scoring) == len(garbled)
    for row, score_row, want in zip(indicators, scoring, garbled):
        cells = {name: cell.text.strip() for name, cell in row.cells.items()}
        assert (cells.get("operator"), cells.get("target"), cells.get("unit")) == \
            (want["operator"].strip(), want["target"].strip(), want["unit"].strip())
        assert "remark" not in score_row.cells  # the column headed 备注 holds the score
        score = score_row.cells.get("score")
        assert (score.text if score else None) == (None if want["score"] is None else str(want["score"]))

    (entry,) = (result := convert([str(path)])).manifest
    assert entry.status.value == "ok" and entry.records == len(truth["indicators"])
    for record, spec in zip(result.records, truth["indicators"]):
        for name in ("operator", "target", "unit"):
            assert _norm(getattr(record, name)) == _norm(spec[name]), (record.row, name)
        assert record.score == spec["score"] and record.remark is None


# ------------------------------------------------------------------ (b) one new name, every extractor

@pytest.fixture
def vocabulary_restored():
    """Whatever a test adds to the vocabulary is gone after it (extend_headers sets the process default)."""
    yield vocabulary
    vocabulary.set_default(None)


PIPE_TABLE = f"""2023年度部门整体支出绩效目标表
部门（单位）名称：湘潭市示例局
| 一级指标 | 二级指标 | 三级指标 | 指标值类型 | {NEW_NAME} | 计量单位 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | ≥ | 500 | 人次 | 10 |
| 产出指标 | 质量指标 | 验收合格率 | = | 100 | % | 10 |
| 效益指标 | 社会效益指标 | 群众知晓率 | ≥ | 90 | % | 10 |
| 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥ | 95 | % | 10 |
"""


def _target_column(tmp_path, name: str) -> tuple[list, dict]:
    """(records as (operator, target, unit, score), the report's column under NEW_NAME) of PIPE_TABLE."""
    import json

    path = tmp_path / "plan.txt"
    path.write_text(PIPE_TABLE, encoding="utf-8")
    result = convert([str(path)], tmp_path / name)
    assert result.manifest[0].status.value == "ok"
    filing = json.loads((tmp_path / name / "filings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    column = next(c for c in filing["report"]["tables"][0]["columns"] if c["header"] == NEW_NAME)
    return [(r.operator, r.target, r.unit, r.score) for r in result.records], column


def test_a_new_header_name_reaches_the_text_dump(tmp_path, vocabulary_restored):
    """Unknown, the column is read by its cells (figures after the operator: the target); taught, by
    its header, which the cells confirm. The records are the same."""
    records, column = _target_column(tmp_path, "before")
    assert (column["role"], column["decided_by"]) == ("target", "cells") and NEW_NAME in column["note"]

    extend_headers("target", NEW_NAME)  # the one-line change
    taught, column = _target_column(tmp_path, "after")
    assert (column["role"], column["decided_by"]) == ("target", "header+cells")
    assert records == taught == [
        ("≥", "500", "人次", 10), ("=", "100", "%", 10), ("≥", "90", "%", 10), ("≥", "95", "%", 10)]


def test_a_new_header_name_reaches_the_pdf_reader(tmp_path, vocabulary_restored):
    labels = ["一级指标", "二级指标", "三级指标", "指标值类型", NEW_NAME, "计量单位"]
    path, truth, _ = _render(tmp_path, "plan.pdf", frag1_labels=labels)
    before = read_filing(str(path), path.read_bytes()).fragments[FragmentKind.INDICATORS].rows
    assert not any("target" in row.cells for row in before)

    extend_headers("target", NEW_NAME)
    after = read_filing(str(path), path.read_bytes()).fragments[FragmentKind.INDICATORS].rows
    assert [row.cells["target"].text.strip() for row in after] == \
        [row["target"].strip() for row in truth["garbled"]["rows"]]


def test_a_new_header_name_reaches_the_ocr_reader(tmp_path, monkeypatch, vocabulary_restored):
    pytest.importorskip("rapidocr_onnxruntime")
    import numpy as np
    import pypdfium2 as pdfium

    import samplegen.make_scans as scans
    import samplegen.render_pdf as render
    from jixiao.extractors.ocr import PageImage, PageReader

    if not Path(scans.FONT_FILE).exists():
        pytest.skip(f"{scans.FONT_FILE} is needed to draw a scan (apt-get install fonts-wqy-zenhei)")
    monkeypatch.setattr(render, "FONT", render.FONT)  # the scan font is set module-wide: undo it after
    monkeypatch.setattr(render, "_registered", render._registered)
    scans._use_scan_font()
    labels = ["一级指标", "二级指标", "三级指标", "指标值类型", NEW_NAME, "计量单位"]
    path, truth, layout = _render(tmp_path, "plan-scan.pdf", frag1_labels=labels, filler_pages_before=0,
                                  filler_pages_after=0, rows_first_page=None)
    number = next(p["page"] for p in layout["pages"] if p["kind"] == "fragment1")
    document = pdfium.PdfDocument(str(path))
    try:
        image = scans.degrade(document[number - 1].render(scale=200 / 72).to_pil(), 0.4, random.Random(11))
    finally:
        document.close()

    extend_headers("target", NEW_NAME)
    read = PageReader("plan-scan.png").read(PageImage(number, np.asarray(image), 200.0), need_header=True)
    assert read.kind is FragmentKind.INDICATORS
    headers = [text for _, text in read.columns]
    assert NEW_NAME in headers and "target" in read.names
    targets = [cell.text for row in read.rows for grid_cell, cell in row if read.names[grid_cell.col] == "target"]
    want = [row["target"].strip() for row in truth["garbled"]["rows"]]
    assert sum(got == w for got, w in zip(targets, want)) >= len(want) - 1  # OCR may slip on one

    # and the vocabulary, not a word list of the OCR reader, is what named that column
    vocabulary.set_default(None)
    assert match_header(NEW_NAME) is None
    assert "target" not in column_fields("indicators", headers)
