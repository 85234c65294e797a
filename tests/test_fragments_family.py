"""The seed's split layout as one family of the one reader (issue 18).

Extractors hand the split layout over as grids (one per fragment and page, tagged with the fragment,
positional where the format is, empty cells kept, each cell with what the extractor knew of it); the
reader's family (``jixiao.reader.fragments``) reads each fragment's header, block and rows and makes the
Filing with its three fragments and a reading report that names the family. The records these give are
the goldens' (tests/test_golden*.py); here each step is held to what it should make.
"""

from __future__ import annotations

import pytest

from jixiao.extractors import extract
from jixiao.model import ErrorCode, Extracted, FragmentKind, Grid, GridCell, Provenance
from jixiao.pipeline.runner import build_index, repair_and_join
from jixiao.reader import read_layout
from jixiao.reader.fragments import FAMILY

from bad_inputs import unequal_rows
from helpers import SAMPLES, SEED

KINDS = [FragmentKind.INDICATORS, FragmentKind.EXPLANATIONS, FragmentKind.SCORING]
GENERATED_PDF = SAMPLES / "generated" / "beihu-shijian-2022.pdf"


def _extracted(path) -> Extracted:
    return extract(str(path), path.read_bytes())


# ------------------------------------------------------------------ extractors: grids, never a Filing

def test_a_split_text_dump_gives_one_grid_per_fragment_and_no_filing():
    extracted = _extracted(SEED)
    assert isinstance(extracted, Extracted)
    assert [grid.fragment for grid in extracted.grids] == KINDS
    indicators = extracted.grids[0]
    rows = indicators.rows()
    assert [c.text for c in rows[0]][:3] == ["一级指标", "二级指标", "三级指标"]  # the column header, as printed
    assert len(rows) == 1 + 14 and all(len(row) == 1 for row in rows[1:])  # a cell per line: the reader cuts it
    assert rows[1][0].provenance.line == 8 and rows[1][0].text.startswith("产出指标 数量指标")
    # the header block is the text around the fragment: the reader reads department, duties and goals from it
    assert any("衡阳市应急管理局" in text for _, text in indicators.lines)


def test_a_split_pdf_gives_a_positional_grid_per_fragment_page():
    extracted = _extracted(GENERATED_PDF)
    fragments = [grid for grid in extracted.grids if grid.fragment is not None]
    assert {grid.fragment for grid in fragments} == set(KINDS)
    for grid in fragments:
        assert grid.positional and grid.form == "pdf"
        assert all(cell.provenance.page is not None and cell.provenance.bbox is not None for cell in grid.cells)
    cells = [cell for grid in fragments for cell in grid.cells]
    assert any(cell.text == "" for cell in cells)  # empty cells are kept
    rows = fragments[0].rows()
    # the header block's label | value rows stand above the column header, as the page draws them
    assert rows[0][0].text == "部门（单位）名称" and rows[0][1].col_span == 5
    level1 = next(cell for row in rows for cell in row if cell.text == "产出指标")
    assert level1.row_span > 1  # a merged 一级指标 covers the rows its bbox reaches
    assert any("2022" in text for _, text in fragments[0].lines)  # the page title above the table


# ------------------------------------------------------------------ the reader: the family and its report

@pytest.mark.parametrize("path, form", [(SEED, "lines"), (GENERATED_PDF, "pdf")], ids=["text", "pdf"])
def test_the_report_names_the_family_and_a_table_per_fragment_with_its_header(path, form):
    filing = read_layout(_extracted(path))
    assert filing.layout == FAMILY and list(filing.fragments) == KINDS
    report = filing.report
    assert report is not None and report.family == FAMILY and report.form == form
    assert [table.name for table in report.tables] == [kind.value for kind in KINDS]
    indicators, explanations, scoring = report.tables
    assert indicators.header[:3] == ["一级指标", "二级指标", "三级指标"]
    assert [c.role for c in indicators.columns] == ["level1", "level2", "level3", "operator", "target", "unit"]
    assert [c.role for c in explanations.columns] == ["explanation"]
    assert "scoring_rule" in [c.role for c in scoring.columns]
    assert [table.rows_read for table in report.tables] == [len(f.rows) for f in filing.fragments.values()]
    assert len({table.rows_read for table in report.tables}) == 1  # zipped by order: as many rows in each
    assert all(not table.rows_dropped and table.end == "grid_end" for table in report.tables)
    decided = {c.decided_by for table in report.tables for c in table.columns}
    # a dump's columns are known by their place in the family; a page's by its header, borne out by the cells
    assert decided <= ({"position"} if form == "lines" else {"header", "header+cells", "cells"})


def test_a_fragment_whose_row_count_differs_is_still_reported_by_the_joiner(tmp_path):
    path = tmp_path / "unequal-rows.txt"
    path.write_bytes(unequal_rows())
    filing = read_layout(_extracted(path))
    assert [table.rows_read for table in filing.report.tables] == [14, 13, 14]
    outcome = repair_and_join(filing, build_index([filing]))
    assert outcome.entry.status.value == "partial"
    assert [e.code for e in outcome.entry.errors] == [ErrorCode.ROW_COUNTS_DIFFER]
    assert len(outcome.result.unaligned["explanations"]) == 13


# ------------------------------------------------------------------ assembly, on grids made by hand

def _page_grid(kind: FragmentKind, page: int, rows: list[list[str]], *, block: bool) -> Grid:
    """A ruled page as the PDF extractor gives it: cells with page and bbox, 100 points a column."""
    header = {FragmentKind.INDICATORS: ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位"],
              FragmentKind.EXPLANATIONS: ["指标解释"], FragmentKind.SCORING: ["评（扣）分标准", "分值"]}[kind]
    table = ([["部门名称", "某某局"]] if block else []) + [header] + rows
    cells = [GridCell(text=text, row=r, col=c, provenance=Provenance(file="hand.pdf", page=page,
                                                                      bbox=(100.0 * c, 20.0 * r, 100.0 * (c + 1), 20.0 * (r + 1))))
             for r, row in enumerate(table) for c, text in enumerate(row)]
    return Grid(source="hand.pdf", form="pdf", cells=cells, fragment=kind, lines=[(1, "2023年度部门整体支出绩效目标表")])


ROW = ["产出指标", "数量指标", "培训人次", "≥", "100", "人次"]


def test_a_page_with_no_header_block_continues_the_fragment_and_a_second_one_is_ignored():
    grids = [_page_grid(FragmentKind.INDICATORS, 1, [ROW], block=True),
             _page_grid(FragmentKind.INDICATORS, 2, [ROW[:2] + ["验收次数", "=", "2", "次"]], block=False),
             _page_grid(FragmentKind.INDICATORS, 3, [ROW], block=True)]
    extracted = Extracted(filing="f", source="hand.pdf", route="pdf", grids=grids)
    filing = read_layout(extracted)
    rows = filing.fragments[FragmentKind.INDICATORS].rows
    assert [row.cells["level3"].text for row in rows] == ["培训人次", "验收次数"]
    assert rows[1].cells["level3"].provenance.page == 2
    assert filing.department.text == "某某局" and filing.year == 2023
    assert [e.code for e in filing.errors] == [ErrorCode.DUPLICATE_FRAGMENT] and filing.errors[0].page == 3
    assert [s.name for s in filing.report.skipped] == ["indicators"]
    assert filing.report.tables[0].rows_read == 2


def test_a_scans_cells_are_read_for_the_column_the_recogniser_named():
    def cell(text, row, col, role, row_span=1, confidence=0.9):
        return GridCell(text=text, row=row, col=col, row_span=row_span, role=role, ocr_confidence=confidence,
                        provenance=Provenance(file="scan.png", page=1, bbox=(col * 50.0, row * 20.0, col * 50.0 + 50, row * 20.0 + 20)))

    roles = ["level1", "level2", "level3", "operator", "target", "unit"]
    cells = [cell("某某局", 0, 1, "department"),
             *[cell(name, 1, k, role) for k, (name, role) in enumerate(zip(
                 ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位"], roles))],
             cell("产出指标", 2, 0, "level1", row_span=2), cell("数量指标", 2, 1, "level2", row_span=2),
             cell("培训人次", 2, 2, "level3"), cell("", 2, 3, "operator", confidence=0.95), cell("100", 2, 4, "target"),
             cell("人次", 2, 5, "unit"),
             cell("验收次数", 3, 2, "level3"), cell("≥", 3, 3, "operator"), cell("2", 3, 4, "target"),
             cell("次", 3, 5, "unit")]
    grid = Grid(source="scan.png", form="ocr", cells=cells, fragment=FragmentKind.INDICATORS)
    filing = read_layout(Extracted(filing="f", source="scan.png", route="ocr", grids=[grid], year_hint=2024))
    first, second = filing.fragments[FragmentKind.INDICATORS].rows
    assert second.cells["level1"].text == "产出指标"  # the merged cell covers the row below it
    assert first.cells["operator"].text == "=" and first.cells["operator"].ocr_confidence <= 0.6  # a lost thin "="
    assert filing.department.text == "某某局" and filing.year == 2024
    assert {c.decided_by for c in filing.report.tables[0].columns} == {"form"}


def test_inspect_shows_each_fragment_grid_and_the_familys_tables(capsys):
    from jixiao.pipeline.cli import main as cli_main

    assert cli_main(["inspect", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "fragment indicators" in out and "fragment explanations" in out and "fragment scoring" in out
    assert "position" in out  # a dump's columns are known by their place in the family
    assert "rows read: 14" in out
