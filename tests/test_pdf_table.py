"""PDFs that are not the seed's split layout: any ruled table → grids → the layout reader (issue 12).

Each PDF is drawn here (tests/ruled_pdf.py) and converted whole; the records
are compared with a truth dict written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.extractors import extract
from jixiao.extractors.pdf_lattice import find_lattices
from jixiao.model import Extracted
from jixiao.pipeline import convert
from jixiao.pipeline.runner import extract_data

from helpers import codes
from samplegen.ruled_pdf import Page, Span, render, render_prose

FIELDS = ("level1", "level2", "level3", "operator", "target", "unit", "score")


def records_of(path: Path, *fields: str) -> list[dict]:
    result = convert([str(path)], memory=None)
    (entry,) = result.manifest
    assert entry.status.value != "failed", entry.error
    return [{name: getattr(r, name) for name in (fields or FIELDS)} for r in result.records]


def row(level1, level2, level3, operator, target, unit, score, **more) -> dict:
    return {"level1": level1, "level2": level2, "level3": level3, "operator": operator, "target": target,
            "unit": unit, "score": score, **more}


# ---------------------------------------------------------------------------- budget-system export

BUDGET_WIDTHS = [70, 90, 230, 55, 60, 60, 55, 60]
BUDGET_ROWS = [
    [Span("单位信息", 1, 2), None, Span("324001-甘孜藏族自治州市场监督管理局机关", 1, 6), None, None, None, None, None],
    [Span("整体目标", 1, 2), None, Span("组织协调推进全州食品安全重点工作；承办州食品安全委员会会议。", 1, 6),
     None, None, None, None, None],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重(%)", "指标方向性"],
    [Span("产出指标", 4), Span("成本指标", 2), "检查差旅费", "≤", "470", "人/天", "2", "反向"],
    [None, None, "培训费", "", "320", "人/天", "3", "反向"],
    [None, Span("数量指标", 2), "召开食品安委会全体会议", "≥", "2", "次", "15", "正向"],
    [None, None, "开展食品安全专项整治", "", "2", "", "10", "正向"],
    ["效益指标", "社会效益指标", "食品安全整体状况", "定性", "高中低", "", "10", "正向"],
    ["满意度指标", "服务对象满意度指标", "公众对食品安全满意度", "≥", "90", "%", "5", "正向"],
]
BUDGET_TRUTH = [
    row("产出指标", "成本指标", "检查差旅费", "≤", "470", "人/天", 2.0),
    row("产出指标", "成本指标", "培训费", "=", "320", "人/天", 3.0),
    row("产出指标", "数量指标", "召开食品安委会全体会议", "≥", "2", "次", 15.0),
    row("产出指标", "数量指标", "开展食品安全专项整治", "=", "2", None, 10.0),
    row("效益指标", "社会效益指标", "食品安全整体状况", "定性", "高中低", None, 10.0),
    row("满意度指标", "服务对象满意度指标", "公众对食品安全满意度", "≥", "90", "%", 5.0),
]


def test_single_table_budget_export(tmp_path):
    path = render(tmp_path / "budget-2023.pdf", [Page(BUDGET_ROWS, BUDGET_WIDTHS,
                                                      title=("2023年部门整体支出绩效目标表",))])
    extracted = extract(str(path), path.read_bytes())
    assert isinstance(extracted, Extracted) and len(extracted.grids) == 1
    grid = extracted.grids[0]
    assert grid.positional and grid.lines == [(1, "2023年部门整体支出绩效目标表")]
    merged = next(c for c in grid.cells if c.text == "产出指标")
    assert (merged.row, merged.col, merged.row_span, merged.col_span) == (3, 0, 4, 1)
    label = next(c for c in grid.cells if c.text == "单位信息")
    assert (label.col_span, label.provenance.page) == (2, 1) and label.provenance.bbox is not None
    assert records_of(path) == BUDGET_TRUTH
    filing = extract_data(str(path), path.read_bytes())
    assert filing.department.text == "甘孜藏族自治州市场监督管理局机关" and filing.year == 2023
    assert filing.layout == "table/pdf" and filing.pages[0]["route"] == "text"
    (fragment,) = filing.fragments.values()
    assert [r.cells["level3"].provenance.page for r in fragment.rows] == [1] * 6


# ---------------------------------------------------------------------------- project table over two pages

PROJECT_WIDTHS = [60, 70, 95, 190, 80, 150, 45]
PROJECT_HEADER = [None, "一级指标", "二级指标", "三级指标", "指标值及单位", "指标解释", "分值"]
PROJECT_BLOCK = [
    [Span("项目名称", 1, 2), None, Span("雾炮车降尘抑尘服务", 1, 2), None, "预算部门", Span("湘潭市环境卫生管理处", 1, 2), None],
    [Span("项目实施期", 1, 2), None, Span("2023.07-2024.01", 1, 5), None, None, None, None],
    [Span("本年度绩效目标", 1, 2), None, Span("通过采购雾炮车降尘抑尘服务，全市空气质量达到优良", 1, 5),
     None, None, None, None],
]
PAGE1 = PROJECT_BLOCK + [
    [Span("本年度绩效指标", 7)] + PROJECT_HEADER[1:],
    [None, Span("产出指标 (40-50)分", 1, 6), None, None, None, None, None],  # a section row
    [None, "", Span("数量指标", 2), "雾炮车降尘抑尘服务配备车辆数", "10辆", "合同约定配备车辆", "10"],
    [None, "", None, "雾炮车风炮射程", "≥80M", "车辆技术参数", "10"],
    [None, "", "质量指标", "服务周期内空气质量", "优良", "环境监测数据", "10"],
    [None, "", "成本指标", "项目预算控制数", "≤250万元", "合同金额", "10"],
    [None, Span("效益指标 (30)分", 1, 6), None, None, None, None, None],
]
PAGE2 = [
    ["本年度绩效指标"] + PROJECT_HEADER[1:],  # the header repeated on the new page
    [Span("", 3), Span("", 2), "生态效益指标", "降尘作业覆盖主次干道比例", "≥95%", "作业记录", "15"],
    [None, None, "社会效益指标", "群众投诉次数", "≤5次", "12345热线记录", "15"],
    [None, Span("满意度指标", 1), "服务对象满意度指标", "市民满意度", "≥90%", "问卷调查", "10"],
]
PROJECT_TRUTH = [
    row("产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数", "=", "10", "辆", 10.0),
    row("产出指标", "数量指标", "雾炮车风炮射程", "≥", "80", "M", 10.0),
    row("产出指标", "质量指标", "服务周期内空气质量", "定性", "优良", None, 10.0),
    row("产出指标", "成本指标", "项目预算控制数", "≤", "250", "万元", 10.0),
    row("效益指标", "生态效益指标", "降尘作业覆盖主次干道比例", "≥", "95", "%", 15.0),
    row("效益指标", "社会效益指标", "群众投诉次数", "≤", "5", "次", 15.0),
    row("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%", 10.0),
]


def test_project_table_with_merged_cells_section_rows_and_a_page_break(tmp_path):
    path = render(tmp_path / "project.pdf", [
        Page(PAGE1, PROJECT_WIDTHS, title=("2023年项目支出绩效目标申报表",)),
        Page(PAGE2, PROJECT_WIDTHS, title=("续表",)),
    ])
    extracted = extract(str(path), path.read_bytes())
    assert isinstance(extracted, Extracted)
    (grid,) = extracted.grids  # the continued table is one grid
    assert {c.provenance.page for c in grid.cells} == {1, 2}
    assert records_of(path) == PROJECT_TRUTH
    filing = extract_data(str(path), path.read_bytes())
    assert filing.project.text == "雾炮车降尘抑尘服务"
    assert filing.department.text == "湘潭市环境卫生管理处"
    assert [g.cell.text for g in filing.goals] == ["通过采购雾炮车降尘抑尘服务，全市空气质量达到优良"]


# ---------------------------------------------------------------------------- overflow

OVERFLOW_WIDTHS = [60, 80, 110, 50, 50, 140, 140, 40]
OVERFLOW_ROWS = [
    ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "指标解释", "评(扣)分标准", "分值"],
    ["产出指标", "数量指标", "全年开展应急救援演练培训的次数达到要求", "≥", "12",
     "按照年度工作计划组织开展应急演练和培训，覆盖各乡镇街道", "每少一次扣1分，扣完为止，未开展不得分", "10"],
    ["产出指标", "质量指标", "隐患整改率", "=", "100%", "检查发现的安全隐患全部整改到位并销号",
     "整改率每低1个百分点扣0.5分", "10"],
    ["效益指标", "社会效益指标", "全市安全生产形势持续稳定向好", "定性", "稳定", "生产安全事故起数和死亡人数同比下降",
     "事故起数上升扣5分，发生较大事故不得分", "20"],
]
OVERFLOW_TRUTH = [
    row("产出指标", "数量指标", "全年开展应急救援演练培训的次数达到要求", "≥", "12", None, 10.0,
        explanation="按照年度工作计划组织开展应急演练和培训，覆盖各乡镇街道",
        scoring_rule="每少一次扣1分，扣完为止，未开展不得分"),
    row("产出指标", "质量指标", "隐患整改率", "=", "100", "%", 10.0,
        explanation="检查发现的安全隐患全部整改到位并销号", scoring_rule="整改率每低1个百分点扣0.5分"),
    row("效益指标", "社会效益指标", "全市安全生产形势持续稳定向好", "定性", "稳定", None, 20.0,
        explanation="生产安全事故起数和死亡人数同比下降", scoring_rule="事故起数上升扣5分，发生较大事故不得分"),
]


@pytest.mark.parametrize("wrap", [False, True], ids=["past-the-right-border", "past-the-bottom-border"])
def test_overflow_is_read_in_full_within_its_cell(tmp_path, wrap):
    """A spreadsheet export clips each cell's text to the cell: the text layer holds more than the
    page shows, running on over the next column (one line) or the next row (wrapped). It is read in
    full, and none of it lands in a neighbour."""
    import pdfplumber

    path = render(tmp_path / "overflow.pdf", [Page(OVERFLOW_ROWS, OVERFLOW_WIDTHS, clip=True, wrap=wrap,
                                                   row_height=16)])
    with pdfplumber.open(path) as pdf:  # the PDF really overflows: glyphs lie outside their cells
        page = pdf.pages[0]
        table = page.find_tables()[0]
        level3_box = table.rows[1].cells[2]
        visible = page.crop(level3_box).extract_text().replace("\n", "")
    assert visible != OVERFLOW_ROWS[1][2] and OVERFLOW_ROWS[1][2].startswith(visible[:4])
    fields = (*FIELDS, "explanation", "scoring_rule")
    assert records_of(path, *fields) == OVERFLOW_TRUTH
    result = convert([str(path)], memory=None)
    level3 = result.records[0].fields["level3"]
    assert level3.raw == OVERFLOW_ROWS[1][2] and level3.status.value == "intact"


def test_a_table_that_looks_like_a_split_fragment_is_read_as_a_table(tmp_path):
    """指标名称 | 指标值 | 评(扣)分标准 | 分值 names no 一级/三级指标, so the page looks like the seed's
    scoring fragment; with no indicator fragment found, the page is read as one table after all."""
    rows = [["指标名称", "指标值", "评(扣)分标准", "分值"],
            ["道路保洁面积", "≥120万平方米", "每少1万平方米扣1分", "20"],
            ["群众满意度", "≥90%", "每低1个百分点扣1分", "10"]]
    path = render(tmp_path / "scoring-like.pdf", [Page(rows, [150, 100, 200, 50], title=("2023年项目支出绩效目标表",))])
    assert not any(grid.fragment for grid in extract(str(path), path.read_bytes()).grids)  # no split fragment
    assert records_of(path, "level3", "operator", "target", "unit", "score", "scoring_rule") == [
        {"level3": "道路保洁面积", "operator": "≥", "target": "120", "unit": "万平方米", "score": 20.0,
         "scoring_rule": "每少1万平方米扣1分"},
        {"level3": "群众满意度", "operator": "≥", "target": "90", "unit": "%", "score": 10.0,
         "scoring_rule": "每低1个百分点扣1分"}]


# ---------------------------------------------------------------------------- no table

def test_a_pdf_without_a_table_fails_saying_so(tmp_path):
    path = render_prose(tmp_path / "notice.pdf", ["关于做好2023年预算绩效管理工作的通知",
                                                 "各单位要按照要求编制绩效指标，并于月底前报送。"])
    (entry,) = convert([str(path)], memory=None).manifest
    assert entry.status.value == "failed" and codes(entry) == ["no_table"], entry.error


def test_a_ruled_table_that_is_not_an_indicator_table_fails_saying_what_it_saw(tmp_path):
    rows = [["项目", "指标", "金额(万元)"], ["基本支出", "人员经费", "120.5"], ["项目支出", "专项业务费", "80"]]
    path = render(tmp_path / "budget.pdf", [Page(rows, [120, 120, 100], title=("2023年部门收支总表",))])
    (entry,) = convert([str(path)], memory=None).manifest
    assert entry.status.value == "failed" and codes(entry) == ["layout_not_understood"], entry.error


# ---------------------------------------------------------------------------- the lattice alone

def test_lattice_merges_cells_where_no_line_separates_them():
    # 3 x 3 slots: no line between the left column's first two rows (a cell over two rows), and
    # none between the top row's last two columns (a cell over two columns)
    horizontal = [(0, 0, 90), (10, 30, 90), (20, 0, 90), (30, 0, 90)]
    vertical = [(0, 0, 30), (30, 0, 30), (60, 10, 30), (90, 0, 30)]
    (lattice,) = find_lattices(horizontal, vertical)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in lattice.cells}
    assert spans == {(0, 0): (2, 1), (0, 1): (1, 2), (1, 1): (1, 1), (1, 2): (1, 1), (2, 0): (1, 1),
                     (2, 1): (1, 1), (2, 2): (1, 1)}
    assert lattice.cell_at(75, 5) == lattice.cell_at(45, 5) and lattice.cell_at(15, 15) == 0


def test_a_lone_rule_or_box_is_no_table():
    assert find_lattices([(100, 0, 500)], []) == []
    assert find_lattices([(0, 0, 50), (20, 0, 50)], [(0, 0, 20), (50, 0, 20)]) == []


# ---------------------------------------------------------------------------- the generated families

FAMILIES = Path(__file__).resolve().parent.parent / "samples" / "families"
# the ruled landscape PDFs (the wrapped portrait ones are measured in test_family_formats.py)
FAMILY_PDFS = sorted(p for p in FAMILIES.glob("*.pdf") if not p.stem.endswith(("-scan", "-pdf_wrapped")))


@pytest.mark.parametrize("path", FAMILY_PDFS, ids=lambda p: p.stem)
def test_family_pdfs_read_exactly(path):
    """Every generated family as a ruled PDF (merged 一级/二级, header repeated per page) gives its
    truth's records, field for field."""
    import json

    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    expected = [{name: (float(t[name]) if name == "score" and t[name] is not None else t[name]) for name in FIELDS}
                for t in truth["indicators"]]
    assert records_of(path) == expected
