"""Scanned tables of any layout read as grids by the layout reader (extractors/ocr_table.py, ocr_whole.py).

The seed's split layout keeps its own OCR reader (test_ocr.py and its golden file); every
other ruled table on a scan becomes a positional grid. Only the family scan and the no-table
scan run OCR; the rest are pure functions.
"""

from __future__ import annotations

import io
import json

import pytest

from jixiao.extractors.grid import GridCell as LatticeCell
from jixiao.extractors.grid import Table
from jixiao.extractors.ocr_marks import MarkReading, join_leading
from jixiao.extractors.ocr_table import (
    ColumnName,
    TablePart,
    chains_of,
    column_of,
    grid_of,
    header_names,
    header_text,
    is_whole_table,
    keeps_section,
)
from jixiao.model import Cell, Provenance
from jixiao.pipeline import convert

import real_scoring
from helpers import ROOT, codes

FAMILIES = ROOT / "samples" / "families"


@pytest.mark.parametrize("read, expected", [
    ("计单位", "计量单位"),        # one character dropped
    ("指标值类梨", "指标值类型"),  # one misread
    ("指标性质.", "指标性质"),     # a speck read as a full stop
    ("-级指标", "一级指标"),
    ("权重(%)", "权重(%)"),        # a name already: as read
    ("某级指标", "某级指标"),      # as near 一级 as 二级, 三级: left alone
    ("填报单位", "填报单位"),
])
def test_header_slips_are_undone_towards_one_vocabulary_name(read, expected):
    assert header_text(read) == expected


def _cell(row, col, x0, x1, row_span=1, col_span=1):
    return LatticeCell(0, row, col, row_span, col_span, x0, 10.0 * row, x1, 10.0 * (row + row_span))


def test_a_header_naming_several_column_groups_is_a_whole_table():
    budget = [(_cell(0, k, 100 * k, 100 * k + 100), t) for k, t in
              enumerate(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重(%)", "指标方向性"])]
    seed_indicators = [(_cell(0, k, 100 * k, 100 * k + 100), t) for k, t in
                       enumerate(["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位"])]
    seed_scoring = [(_cell(0, 0, 0, 300), "评（扣）分标准"), (_cell(0, 1, 300, 400), "备注")]
    assert is_whole_table(header_names(budget))
    assert not is_whole_table(header_names(seed_indicators))
    assert not is_whole_table(header_names(seed_scoring))
    assert [c.name for c in header_names(budget)][3:7] == ["operator", "target", "unit", "score"]


def test_body_cells_take_the_column_they_stand_under():
    columns = [ColumnName(0, 100, "level1"), ColumnName(100, 200, "operator"), ColumnName(200, 300, "target")]
    assert column_of(_cell(1, 1, 101, 199), columns) == "operator"
    assert column_of(_cell(1, 0, 0, 300), columns) == ""  # a header-block cell across the table
    assert keeps_section("level1", "产出指标(60分)") and not keeps_section("level1", "产出指标")
    assert keeps_section("level1", "产出指标 (30-40)分") and keeps_section("level2", "数量指标（20）")
    assert not keeps_section("level1", "产出指标.0.")  # specks read as text are no score range


def test_leading_operator_needs_both_readings_to_agree():
    sure = MarkReading("≥", 0.95, "chevron")
    assert join_leading(sure, "288%", "88%", 0.9)[0] == "≥88%"  # ≥ read as 2
    assert join_leading(sure, "90%", "90%", 0.9) == ("≥90%", 0.6)  # ≥ dropped: flagged for review
    assert join_leading(sure, "≥95%", "95%", 0.9) == ("≥95%", 0.9)  # the recogniser agrees
    assert join_leading(MarkReading(">", 0.55, "chevron"), "3800", "800", 0.9) == ("3800", 0.9)  # a 3
    assert join_leading(MarkReading("≥", 0.6, "chevron"), "2500", "500", 0.9) == ("2500", 0.9)  # unsure 2


def _part(page, rows, xs, above=()):
    table = Table(index=0, xs=xs, ys=[10.0 * r for r in range(rows + 1)])
    table.cells = [_cell(r, c, xs[c], xs[c + 1]) for r in range(rows) for c in range(len(xs) - 1)]
    cells = {cell: Cell(text=f"p{page}r{cell.row}c{cell.col}", ocr_confidence=0.9,
                        provenance=Provenance(file="s.pdf", page=page, bbox=(1.0, 2.0, 3.0, 4.0)))
             for cell in table.cells}
    return TablePart(page=page, table=table, cells=cells, lines=[(-10.0 + k, text) for k, text in enumerate(above)])


def test_a_table_running_over_pages_is_one_grid():
    first = _part(1, 3, [0.0, 100.0, 200.0], above=["2022年度部门整体支出绩效目标表"])
    second = _part(2, 2, [1.0, 101.0, 199.0], above=["(续表)"])
    other = _part(4, 2, [0.0, 50.0, 200.0], above=["另一张表的标题，足够长以至于不是续表标记"])
    chains = chains_of([(first, True), (second, True), (other, False)], tolerance=16.0)
    assert len(chains) == 1 and [p.page for p in chains[0]] == [1, 2]  # page 4 does not follow
    grid = grid_of("s.pdf", chains[0], tolerance=16.0)
    assert grid.positional and grid.form == "ocr"
    assert grid.lines == [(1, "2022年度部门整体支出绩效目标表")]
    rows = grid.rows()
    assert len(rows) == 5 and [c.col for c in rows[4]] == [0, 1]
    last = rows[4][1]
    assert last.text == "p2r1c1" and last.provenance.page == 2 and last.ocr_confidence == 0.9


def _texts(table: Table, rows: list[list[str]], page: int = 1) -> dict:
    """Cells of ``table`` (one per row and column) holding ``rows``' texts."""
    return {cell: Cell(text=rows[cell.row][cell.col], ocr_confidence=0.95,
                       provenance=Provenance(file="s.png", page=page, bbox=(1.0, 2.0, 3.0, 4.0)))
            for cell in table.cells}


def _lattice(rows: int, xs: list[float], top: float) -> Table:
    table = Table(index=int(top), xs=xs, ys=[top + 30.0 * r for r in range(rows + 1)])
    table.cells = [LatticeCell(int(top), r, c, 1, 1, xs[c], table.ys[r], xs[c + 1], table.ys[r + 1])
                   for r in range(rows) for c in range(len(xs) - 1)]
    return table


def test_a_header_block_ruled_as_a_table_of_its_own_gives_the_project_and_goals():
    """A scan whose 项目名称 / 主管部门 / 年度绩效目标 block is a ruled table above the indicators (issue 21):
    the block becomes a grid of its own, every line and row is numbered top-down, and the layout
    reader reads the block as it reads a web page's."""
    from jixiao.extractors.ocr_table import extracted
    from jixiao.reader import read_layout

    block = _lattice(2, [0.0, 100.0, 300.0, 400.0, 600.0], top=100.0)
    body = _lattice(3, [0.0, 120.0, 240.0, 420.0, 600.0], top=200.0)
    part = TablePart(page=1, table=body, lines=[(20.0, "项目支出绩效目标表"), (50.0, "(2023年度)")],
                     blocks=[(block, _texts(block, [["项目名称", "残疾人精准康复", "主管部门", "六安市金安区残疾人联合会"],
                                                    ["年度绩效目标", "提高受助残疾人生活自理能力", "项目属性", "经常性项目"]]))],
                     cells=_texts(body, [["一级指标", "二级指标", "三级指标", "指标值"],
                                         ["产出指标", "数量指标", "签约康复人数", "≥18000人"],
                                         ["产出指标", "数量指标", "涉及乡镇街数量", "22个"]]))
    result = extracted("s.png", "f" * 16, [[part]], [], [], tolerance=16.0)
    block_grid, table_grid = result.grids
    assert [line for line, _ in table_grid.lines] == [1, 2]  # the title lines, above everything
    assert {c.provenance.line for c in block_grid.cells} == {3, 4}
    assert min(c.provenance.line for c in table_grid.cells) == 5
    filing = read_layout(result)
    assert filing.project.text == "残疾人精准康复"
    assert filing.department.text == "六安市金安区残疾人联合会"
    assert [g.cell.text for g in filing.goals] == ["提高受助残疾人生活自理能力"]
    assert filing.year == 2023
    assert len(filing.fragments[next(iter(filing.fragments))].rows) == 2


# ------------------------------------------------------------------ OCR runs

def test_family_scan_reads_through_convert_to_the_right_records(tmp_path):
    """A one-page scan of a merged-cell spreadsheet (目标值 with its operator and unit inside,
    merged 一级/二级): every structured field right, one record per indicator row."""
    name = "merged_cell-changde-shengtai-2022-scan.pdf"
    truth = json.loads((FAMILIES / name.replace(".pdf", ".truth.json")).read_text(encoding="utf-8"))
    result = convert([str(FAMILIES / name)], tmp_path / "out", memory=None, cache=False)
    (entry,) = result.manifest
    assert entry.status.value == "ok", entry.error
    records = real_scoring.read_records(tmp_path / "out")[name]
    score = real_scoring.score_file(truth, records)
    assert score["records"] == score["rows"] == len(truth["indicators"])
    assert score["fields_right"] >= 0.97 * score["fields"], score
    filing = json.loads((tmp_path / "out" / "filings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert filing["route"] == "ocr" and filing["year"] == 2022 and filing["department"] == truth["department"]
    assert [p["fragment"] for p in filing["pages"]] == ["table"]
    level3 = records[0]["fields"]["level3"]
    assert level3["provenance"]["page"] == 1 and len(level3["provenance"]["bbox"]) == 4


def test_scan_without_a_table_fails_with_a_clear_message(tmp_path):
    from PIL import Image, ImageDraw

    page = Image.new("L", (1654, 1169), 255)  # A4 landscape at 141 DPI: text, no ruling lines
    ImageDraw.Draw(page).text((200, 200), "Notice: no table on this page", fill=0)
    path = tmp_path / "notice-scan.pdf"
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=141)
    path.write_bytes(buffer.getvalue())
    result = convert([str(path)], tmp_path / "out", memory=None, cache=False)
    (entry,) = result.manifest
    assert entry.status.value == "failed" and codes(entry) == ["no_table"]
    assert not (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").strip()
