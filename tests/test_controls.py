"""NUL and other control characters are handled the same way in every format (issue 23, item 5):
removed with one warning, and every field read from a cell that lost characters is flagged."""

from __future__ import annotations

import json

import pytest

import hostile_files as hf
from helpers import SEED, read_jsonl
from jixiao.extractors.controls import clean, mark, strip
from jixiao.model import CONTROLS_FLAG, Cell, Cleaned, Extracted, Grid, GridCell, Provenance, lost_characters
from jixiao.pipeline import convert


@pytest.mark.parametrize("text, kept, count", [
    ("指标\x00值", "指标值", 1), ("a\u202eb\u202c", "ab", 2), ("tab\tline\nfeed\fcr\r", "tab\tline\nfeed\fcr\r", 0),
    ("\x7f\x85\x1b[31m", "[31m", 3), ("x\ud800y", "xy", 1), ("\ufdd0\uffff", "", 2),
])
def test_what_counts_as_a_control_character(text, kept, count):
    assert strip(text) == (kept, count)
    assert strip(mark(text)) == (kept, count)  # a marked control is removed and counted the same


def test_cells_and_lines_lose_them_once_and_are_recorded():
    here = Provenance(file="x.html", line=2)
    grid = Grid(source="x.html", form="html", lines=[(1, "标题\x00"), (2, "一级\x00指标 x")],
                cells=[GridCell(text="一级\x00指标", row=0, col=0, provenance=here),
                       GridCell(text="x", row=0, col=1, provenance=here)])
    extracted = clean(Extracted(filing="f", source="x.html", route="html", grids=[grid]))
    assert [c.text for c in grid.cells] == ["一级指标", "x"] and grid.lines == [(1, "标题"), (2, "一级指标 x")]
    # the row's line repeats its cell: counted once; the title's line is a paragraph: counted itself
    assert [(c.provenance.line, c.text, c.removed) for c in extracted.cleaned] == [(2, "一级指标", 1), (1, "标题", 1)]
    (warning,) = extracted.errors
    assert "2 control character(s)" in warning.message and "line(s) 1-2" in warning.message
    lost = lost_characters(extracted.cleaned)
    assert lost(Cell(text="一级指标", provenance=here)) and not lost(Cell(text="x", provenance=here))
    assert not lost(Cell(text="一级指标", provenance=Provenance(file="x.html", line=3)))


def test_a_nul_in_a_header_word_of_a_page_keeps_its_table(tmp_path):
    """Issue 23: the NUL made 指标值 unrecognisable and the page 'held no table'."""
    (tmp_path / "nul.html").write_bytes(hf.html_nul("header"))
    (entry,) = convert([str(tmp_path / "nul.html")], tmp_path / "out", memory=None).manifest
    assert entry.status.value == "ok" and entry.records == 6
    assert any("1 control character(s)" in e.message for e in entry.errors)


def test_a_nul_in_a_value_of_a_page_is_removed_and_its_field_flagged(tmp_path):
    """Issue 23: the record held U+FFFD, intact, unflagged, with no warning."""
    (tmp_path / "nul.html").write_bytes(hf.html_nul("value"))
    convert([str(tmp_path / "nul.html")], tmp_path / "out", memory=None)
    text = (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8")
    assert "\ufffd" not in text and "\\u0000" not in text
    records = read_jsonl(tmp_path / "out" / "records.jsonl")
    field = records[0]["fields"]["level3"]
    assert records[0]["level3"] == "开展食品安全抽检批次" and field["raw"] == "开展食品安全抽检批次"
    assert CONTROLS_FLAG in field["flags"] and records[0]["needs_review"]
    assert all(CONTROLS_FLAG not in f["flags"] for r in records[1:] for f in r["fields"].values())
    queue = read_jsonl(tmp_path / "out" / "review.jsonl")
    assert any(item["row"] == 1 and item["field"] == "level3" and CONTROLS_FLAG in item["flags"] for item in queue)


def test_a_text_dump_flags_the_fields_of_its_lines(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("指标解释")) + 1
    lines[first] = lines[first][:4] + "\x00\u202e" + lines[first][4:]
    (tmp_path / "nul.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (entry,) = convert([str(tmp_path / "nul.txt")], tmp_path / "out", memory=None).manifest
    assert entry.status.value == "ok" and entry.records == 14
    assert any("2 control character(s)" in e.message and f"line(s) {first + 1}" in e.message for e in entry.errors)
    records = read_jsonl(tmp_path / "out" / "records.jsonl")
    flagged = [(r["row"], name) for r in records for name, f in r["fields"].items() if CONTROLS_FLAG in f["flags"]]
    assert flagged == [(1, "explanation")]


def test_a_workbook_cell_with_a_control_character_is_cleaned_and_flagged(tmp_path):
    import xlrd
    import xlwt

    source = xlrd.open_workbook(str(hf.FORMATS / f"{hf.GANZI}.xls"))
    book = xlwt.Workbook(encoding="utf-8")
    for sheet in source.sheets():
        target = book.add_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                value = sheet.cell_value(r, c)
                target.write(r, c, value.replace("食品安全", "食品\x07安全", 1) if isinstance(value, str) else value)
        for r0, r1, c0, c1 in sheet.merged_cells:
            target.merge(r0, r1 - 1, c0, c1 - 1)
    book.save(str(tmp_path / "bell.xls"))
    convert([str(tmp_path / "bell.xls")], tmp_path / "out", memory=None)
    records = read_jsonl(tmp_path / "out" / "records.jsonl")
    assert "\x07" not in json.dumps(records, ensure_ascii=False)
    flagged = [(r["level3"], name) for r in records for name, f in r["fields"].items() if CONTROLS_FLAG in f["flags"]]
    # the two level-3 cells that held a BEL; not the unit 批次 beside the first, though it is part of its text
    assert flagged == [(r["level3"], "level3") for r in records if "食品安全" in r["level3"]] and len(flagged) == 2


def test_cleaned_travels_in_the_cache_with_its_filing(tmp_path):
    from jixiao.pipeline.cache import decode, encode
    from jixiao.pipeline.runner import extract_data

    filing = extract_data("nul.html", hf.html_nul("value"))
    assert filing.cleaned and decode(encode(filing)).cleaned == filing.cleaned
    assert isinstance(filing.cleaned[0], Cleaned)
