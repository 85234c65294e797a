"""Filings as published: HTML pages, XLSX/XLS and DOCX attachments (issue 13).

The same generated filing rendered as a text dump, HTML, XLSX, XLS (xlwt), DOCX
and a ruled PDF (tools/samplegen/render_formats.py, committed in samples/formats/)
must give the same records, every field but provenance, and the truth.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jixiao.extractors import extract
from jixiao.extractors.base import choose_extractor
from jixiao.extractors.html import declared_charset
from jixiao.extractors.sheets import display
from jixiao.model import SCHEMA_VERSION
from jixiao.pipeline import convert
from jixiao.pipeline.cli import main as cli_main
from jixiao.reader import read_layout

from helpers import SAMPLES, SEED, codes, read_jsonl

FORMATS = SAMPLES / "formats"
CASES = sorted(p.name[:-len(".truth.json")] for p in FORMATS.glob("*.truth.json"))
FORMS = (".txt", ".html", ".xlsx", ".xls", ".docx", ".pdf")


def _strip(value):
    """A record without what differs by format: ids, paths and provenance."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("provenance", "filing", "source")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _convert(path: Path):
    (outcome,) = convert([str(path)]).outcomes
    assert outcome.result is not None, outcome.entry.error
    return outcome.result


@pytest.mark.parametrize("case", CASES)
def test_every_format_gives_the_same_records(case):
    truth = json.loads((FORMATS / f"{case}.truth.json").read_text(encoding="utf-8"))
    results = {form: _convert(FORMATS / f"{case}{form}") for form in FORMS if (FORMATS / f"{case}{form}").exists()}
    assert set(results) == set(FORMS), "every form is committed (xlwt writes the .xls)"
    reference = results[".txt"]
    for form, result in results.items():
        assert result.status.value == "ok", (form, result.errors)
        assert _strip([r.model_dump(mode="json") for r in result.records]) == \
            _strip([r.model_dump(mode="json") for r in reference.records]), form
        assert (result.kind, result.project, result.period, result.department, result.year) == \
            (truth["kind"], truth["project"], truth["period"], truth["department"], truth["year"]), form
        assert [{k: b[k] for k in ("label", "amount", "unit")} for b in
                (x.model_dump() for x in result.budget)] == truth["budget"], form
    for want, record in zip(truth["records"], reference.records, strict=True):
        got = record.model_dump()
        assert got["kind"] == truth["kind"]
        for key, value in want.items():
            assert str(got[key]) == str(value) or (value is None and got[key] is None), (key, value, got[key])


def test_new_fields_reach_every_output(tmp_path):
    source = FORMATS / "yueyang-self-evaluation-2023.xlsx"
    out = tmp_path / "out"
    assert cli_main(["convert", str(source), "-o", str(out), "--engine", "serial",
                     "--format", "jsonl,csv,parquet,xlsx"]) == 0
    (filing,) = read_jsonl(out / "filings.jsonl")
    assert filing["kind"] == "self_evaluation" and filing["project"] == "基本公共卫生服务补助资金"
    assert filing["budget"][0]["amount"] == 1520 and filing["period"] == "2023年度"
    records = read_jsonl(out / "records.jsonl")
    assert records[1]["actual"] == "60%" and records[1]["points"] == 18
    assert records[1]["deviation"].startswith("部分患者")
    import csv

    rows = list(csv.DictReader((out / "records.csv").open(encoding="utf-8-sig")))
    assert rows[1]["actual"] == "60%" and rows[1]["points"] == "18" and rows[1]["kind"] == "self_evaluation"
    import pyarrow.parquet as pq

    table = pq.read_table(out / "records.parquet")
    assert table.column("points").to_pylist()[1] == 18.0
    assert table.schema.metadata[b"jixiao.schema_version"] == SCHEMA_VERSION.encode()
    import openpyxl

    sheet = openpyxl.load_workbook(out / "records.xlsx").active
    header = [c.value for c in sheet[1]]
    # the headers of table fields are their labels in the layout vocabulary (指标方向性, not 指标方向)
    assert {"实际完成值", "得分", "偏差原因", "项目名称", "权重", "指标方向性"} <= set(header)


def test_budget_export_keeps_weight_and_direction():
    result = _convert(FORMATS / "ganzi-budget-export-2024.html")
    record = result.records[4]
    assert record.weight == record.score == 20 and record.direction == "反向"


def test_mixed_folder_lists_every_file(tmp_path, capsys):
    folder = tmp_path / "in"
    (folder / "page_files").mkdir(parents=True)
    shutil.copy(FORMATS / "xiangtan-project-2023.html", folder / "page.html")
    shutil.copy(FORMATS / "ganzi-budget-export-2024.xlsx", folder / "export.xlsx")
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "page_files" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "page_files" / "site.css").write_text("body { color: red }")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
                                     + b"\x00" * 200)
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out"
    assert cli_main(["convert", str(folder), "-o", str(out), "--engine", "serial"]) == 1
    manifest = {Path(e["source"]).name: e for e in read_jsonl(out / "manifest.jsonl")}
    files = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert sorted(manifest) == files  # none dropped
    status = {name: e["status"] for name, e in manifest.items()}
    assert status == {"page.html": "ok", "export.xlsx": "ok", "seed.txt": "ok", "logo.png": "skipped",
                      "site.css": "skipped", "old.doc": "failed", "slides.pptx": "skipped",
                      "broken.docx": "failed", "blob.bin": "skipped"}
    assert manifest["logo.png"]["unrelated"] and manifest["site.css"]["unrelated"]
    assert codes(manifest["logo.png"]) == codes(manifest["site.css"]) == ["unrelated_file"]
    assert not manifest["slides.pptx"]["unrelated"] and codes(manifest["slides.pptx"]) == ["unsupported_format"]
    assert codes(manifest["old.doc"]) == ["legacy_format"] and codes(manifest["broken.docx"]) == ["corrupt_file"]
    printed = capsys.readouterr()
    assert "logo.png" not in printed.out + printed.err and "site.css" not in printed.out + printed.err
    assert "slides.pptx" in printed.out


@pytest.mark.parametrize("declaration, encoding", [
    ('<meta charset="gbk">', "gb18030"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', "gb18030"),
    ("", "gb18030"),  # undeclared, not UTF-8: GB18030
])
def test_html_charset(declaration, encoding):
    page = f"<html><head>{declaration}</head><body><p>部门名称：某某局</p><table>" \
           "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>" \
           "<tr><td>产出指标</td><td>数量指标</td><td>检查次数</td><td>≥12次</td></tr></table></body></html>"
    data = page.encode("gb18030")
    extracted = extract("page.htm", data)
    assert extracted.encoding == encoding
    filing = read_layout(extracted)
    assert filing.department.text == "某某局"
    (row,) = filing.fragments["indicators"].rows
    assert row.cells["level3"].text == "检查次数" and row.cells["unit"].text == "次"


def test_html_nested_layout_table_and_xml_declaration():
    page = ('<?xml version="1.0" encoding="utf-8"?><html><body><table><tr><td>2024年部门整体支出绩效目标表</td></tr>'
            "<tr><td><table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr>"
            "<tr><td>产出指标</td><td>质量指标</td><td>合格率</td><td>100%</td></tr></table></td></tr>"
            "</table></body></html>").encode("utf-8")
    assert declared_charset(page) == "utf-8"
    filing = read_layout(extract("p.shtml", page))
    assert filing.year == 2024 and filing.document_kind == "department"
    assert len(filing.fragments["indicators"].rows) == 1


def test_choose_extractor_by_content():
    xlsx = (FORMATS / "ganzi-budget-export-2024.xlsx").read_bytes()
    assert choose_extractor("attachment.doc", xlsx) == "xlsx"  # content first
    html = (FORMATS / "ganzi-budget-export-2024.html").read_bytes()
    assert choose_extractor("export.xls", html) == "html"  # a government ".xls" is often a page
    xls = (FORMATS / "ganzi-budget-export-2024.xls").read_bytes()
    assert choose_extractor("download", xls) == "xls"
    assert choose_extractor("a.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) == "legacy"
    assert choose_extractor("site/x_files/logo.jpg", b"\xff\xd8\xff\xe0") == "unrelated"
    assert choose_extractor("scan.jpg", b"\xff\xd8\xff\xe0") == "image"


@pytest.mark.parametrize("value, number_format, shown", [
    (0.95, "0%", "95%"), (0.261, "0.0%", "26.1%"), (3.0, "General", "3"), (0.1 + 0.2, "General", "0.3"),
    (5, '0"分"', "5分"), (1234.5, "#,##0.00", "1234.50"), ("≥90%", "@", "≥90%"), (12.0, "0.00", "12.00"),
])
def test_spreadsheet_values_as_displayed(value, number_format, shown):
    assert display(value, number_format) == shown
