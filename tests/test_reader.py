"""The reader (jixiao.reader): column roles from header and cells, every table of a source, the
reading report, dropped rows named, empty template rows quiet.

Each test converts a small table written here the way filings print it and checks what the reader
made of it, step by step where a step's product says more than the records.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from jixiao.pipeline import convert
from jixiao.reader.header import Column
from jixiao.reader.roles import assign_roles, content_scores, profile
from jixiao.layout.vocabulary import spec_named

from helpers import scored


def _convert(tmp_path: Path, name: str, text: str) -> tuple[dict, list[dict], dict]:
    """(manifest line, records, filings line) of one text filing."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    convert([str(source)], out, memory=None, cache=False)
    manifest = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    filings = [json.loads(line) for line in (out / "filings.jsonl").read_text(encoding="utf-8").splitlines()]
    return manifest, records, filings[0] if filings else {}


# ------------------------------------------------------------------ column roles from the cells

NO_NAME_COLUMN = """2023年部门整体支出绩效目标表
部门名称：某某县民政局
| 指标 | 指标权重 | 计量单位 | 指标性质 | 指标值 |
| 救助人数 | 20 | 人 | ≥ | 500 |
| 资金发放及时率 | 20 | % | = | 100 |
| 群众满意度 | 10 | % | ≥ | 90 |
| 项目成本控制 | 10 | 万元 | ≤ | 120 |
"""


def test_a_column_headed_by_a_block_word_is_read_as_names_by_its_cells(tmp_path):
    manifest, records, filing = _convert(tmp_path, "a.txt", NO_NAME_COLUMN)
    assert manifest["status"] == "ok"
    assert [scored(r)[2:] for r in records] == [
        ("救助人数", "≥", "500", "人", "20"), ("资金发放及时率", "=", "100", "%", "20"),
        ("群众满意度", "≥", "90", "%", "10"), ("项目成本控制", "≤", "120", "万元", "10")]
    first = filing["report"]["tables"][0]["columns"][0]
    assert (first["header"], first["role"], first["decided_by"]) == ("指标", "level3", "cells")
    assert first["note"]


UNKNOWN_TARGET_WORD = """2023年项目支出绩效目标申报表
项目名称：农村道路维护
| 一级指标 | 二级指标 | 三级指标 | 预期达到目标 |
| 产出指标 | 数量指标 | 维护道路里程 | ≥120公里 |
| 产出指标 | 质量指标 | 验收合格率 | 100% |
| 效益指标 | 社会效益指标 | 群众出行条件 | 明显改善 |
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% |
"""


def test_a_header_word_outside_the_vocabulary_is_read_by_its_cells(tmp_path):
    manifest, records, filing = _convert(tmp_path, "b.txt", UNKNOWN_TARGET_WORD)
    assert manifest["status"] == "ok"
    assert [scored(r)[2:6] for r in records] == [
        ("维护道路里程", "≥", "120", "公里"), ("验收合格率", "=", "100", "%"),
        ("群众出行条件", "定性", "明显改善", None), ("群众满意度", "≥", "90", "%")]
    column = filing["report"]["tables"][0]["columns"][3]
    assert (column["header"], column["role"], column["decided_by"]) == ("预期达到目标", "target", "cells")


def _column(header: str, name: str | None) -> Column:
    return Column(spec_named(name) if name else None, header)


def test_cells_overrule_a_header_that_names_another_field():
    """指标类型 is an operator header in one template and the 一级 column in another: a column of
    level names is the 一级 whatever its header says, and the report says so."""
    columns = [_column("指标类型", "operator"), _column("二级指标", "level2"), _column("三级指标", "level3"),
               _column("指标值", "target")]
    texts = {0: ["产出类指标", "产出类指标", "效益类指标", "满意度类指标"],
             1: ["数量指标", "质量指标", "社会效益指标", "服务对象满意度指标"],
             2: ["培训人次", "合格率", "知晓率", "满意度"], 3: ["≥500", "100%", "≥90%", "≥95%"]}
    out = assign_roles(columns, texts, from_cells=0.6, override=0.85, min_rows=2)
    assert out[0].spec.name == "level1" and out[0].decided_by == "cells" and "指标值类型" in out[0].note
    assert [c.decided_by for c in out[1:]] == ["header+cells"] * 3


def test_a_role_is_not_moved_when_the_table_would_lose_its_names():
    """A 三级 column whose names are group words (质量, 时效: a monitoring form) keeps its header's role:
    the table would have no 三级 column otherwise."""
    columns = [_column("一级指标", "level1"), _column("指标名称", "level3"), _column("指标值", "target")]
    texts = {0: ["产出指标", "产出指标", "效益指标"], 1: ["质量", "时效", "社会效益"], 2: ["100%", "12月底", "提升"]}
    out = assign_roles(columns, texts, from_cells=0.6, override=0.85, min_rows=2)
    assert out[1].spec.name == "level3"


@pytest.mark.parametrize("texts, role", [
    (["数量指标", "质量指标", "时效指标"], "level2"),
    (["≥", "=", "≤", "定性"], "operator"),
    (["人次", "%", "万元", "个"], "unit"),
    (["20", "30", "30", "20"], "score"),
    (["≥500人次", "100%", "2023年12月底前", "≤120万元"], "target"),
    (["反映全年培训的人次情况。", "反映资金发放的及时程度，按月统计。", "反映群众对服务的满意程度。"], "explanation"),
    (["每少10人次扣1分，扣完为止", "达到100%得满分，每降低1%扣0.5分"], "scoring_rule"),
    (["培训人次", "资金发放及时率", "群众满意度", "道路维护里程"], "level3"),
])
def test_a_columns_cells_say_its_role(texts, role):
    scores = content_scores(profile(texts))
    assert max(scores, key=lambda r: (scores[r], r == role)) == role, scores


# ------------------------------------------------------------------ rows dropped, rows empty

ODD_ROWS = """2023年部门整体支出绩效目标表
| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | ≥500人次 | 10 |
| ≥ | ≥ | ≤ |
| 12 | 34 | 56 | 78 | 90 | 11 | 12 |
| 产出指标 | 质量指标 | 验收合格率 | 100% | 10 |
| 效益指标 | 社会效益指标 | 群众知晓率 | ≥90% | 10 |
"""


def test_odd_rows_inside_a_table_make_it_partial_and_are_named_with_their_lines(tmp_path):
    manifest, records, filing = _convert(tmp_path, "odd.txt", ODD_ROWS)
    assert [r["level3"] for r in records] == ["培训人次", "验收合格率", "群众知晓率"]
    assert manifest["status"] == "partial"
    dropped = filing["report"]["tables"][0]["rows_dropped"]
    assert {d["line"] for d in dropped} == {4, 5} and all(d["reason"] == "no_fit" for d in dropped)
    assert manifest["errors"][0]["line"] == 4


EMPTY_TEMPLATE_ROWS = """2023年部门整体支出绩效目标表
| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | ≥500人次 | 10 |
| 效益指标 | 经济效益指标 | | | |
| 效益指标 | 社会效益指标 | 群众知晓率 | ≥90% | 10 |
| 效益指标 | 生态效益指标 | 不适用 | 不适用 | |
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥95% | 10 |
"""


def test_empty_template_rows_give_no_record_and_no_error(tmp_path):
    manifest, records, filing = _convert(tmp_path, "empty.txt", EMPTY_TEMPLATE_ROWS)
    assert [r["level3"] for r in records] == ["培训人次", "群众知晓率", "群众满意度"]
    assert manifest["status"] == "ok" and not manifest["errors"]
    table = filing["report"]["tables"][0]
    assert table["rows_dropped"] == [] and table["empty_rows"] == 2 and table["rows_read"] == 3


NAMELESS_FIGURE = """2023年部门整体支出绩效目标表
| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | ≥500人次 | 10 |
| 产出指标 | 质量指标 | | ≥98% | 10 |
| 效益指标 | 社会效益指标 | 群众知晓率 | ≥90% | 10 |
"""


def test_a_figure_with_no_third_level_beside_it_is_dropped_and_named_not_taken_for_a_blank_row(tmp_path):
    """一级/二级 and nothing else is a template's blank row; with a figure beside them a row was lost."""
    manifest, records, filing = _convert(tmp_path, "nameless.txt", NAMELESS_FIGURE)
    assert [r["level3"] for r in records] == ["培训人次", "群众知晓率"]
    assert manifest["status"] == "partial"
    table = filing["report"]["tables"][0]
    assert [(d["line"], d["reason"]) for d in table["rows_dropped"]] == [(4, "no_name")]
    assert table["empty_rows"] == 0


GLUED_GOALS = (
    "项目绩效目标完成情况如下:评价内容绩效内容绩效目标值实际完成值累计完成率"
    "产出目标数量目标全年培训人次>=500人次620人次124%质量目标培训合格率>=95%98%103%"
    "(二)项目财务管理状况本项目安排资金10万元,实际支出9.8万元。\n")


def test_a_table_run_into_a_reports_sentences_is_read_between_them(tmp_path):
    """A page that lost its line breaks: the sentence before the header, the 一级 over a 二级 in a header
    with one group column (评价内容), groups worded as goals (产出目标), and the next section after it."""
    manifest, records, _ = _convert(tmp_path, "glued.txt", GLUED_GOALS)
    assert [(r["national_level2"], r["level3"], r["operator"], r["target"], r["unit"], r["actual"])
            for r in records] == [("数量指标", "全年培训人次", "≥", "500", "人次", "620人次"),
                                  ("质量指标", "培训合格率", "≥", "95", "%", "98%")]


def test_the_report_says_form_header_roles_rows_and_end(tmp_path):
    _, _, filing = _convert(tmp_path, "empty.txt", EMPTY_TEMPLATE_ROWS)
    report = filing["report"]
    table = report["tables"][0]
    assert report["form"] == "pipe" and table["header_line"] == 2
    assert [c["role"] for c in table["columns"]] == ["level1", "level2", "level3", "target", "score"]
    assert table["end"] == "grid_end" and 0 < table["fit_min"] <= table["fit_mean"] <= 1


# ------------------------------------------------------------------ every sheet of a workbook

def _project_sheet(ws, project: str, rows: list[tuple]) -> None:
    ws.append(["二级项目支出绩效目标申报表"])
    ws.append(["项目名称：", project])
    ws.append(["申请单位：", "某某街道办事处"])
    ws.append(["一级指标", "二级指标", "三级指标", "目标值", "指标解释"])
    for row in rows:
        ws.append(list(row))


def test_a_workbook_with_one_project_per_sheet_gives_every_projects_rows(tmp_path):
    book = openpyxl.Workbook()
    _project_sheet(book.active, "社区活动经费", [("产出", "数量", "活动场次", "≥12场", "全年活动场次"),
                                              (None, "质量", "活动覆盖率", "≥90%", "覆盖社区比例")])
    _project_sheet(book.create_sheet("2"), "阅读中心运营", [("产出", "数量", "开放天数", "≥300天", "全年开放"),
                                                         ("效益", "经济效益", "不适用", "不适用", "不适用"),
                                                         ("满意度", "服务对象满意度", "读者满意度", "≥90%", "问卷")])
    _project_sheet(book.create_sheet("3"), "空项目", [("产出", "数量", "", "", ""), (None, "质量", "", "", "")])
    path = tmp_path / "projects.xlsx"
    book.save(path)
    out = tmp_path / "out"
    result = convert([str(path)], out, memory=None, cache=False)
    assert result.manifest[0].status.value == "ok"
    assert [(r.project, r.level3) for r in result.records] == [
        ("社区活动经费", "活动场次"), ("社区活动经费", "活动覆盖率"),
        ("阅读中心运营", "开放天数"), ("阅读中心运营", "读者满意度")]
    filing = json.loads((out / "filings.jsonl").read_text(encoding="utf-8"))
    assert [t["project"] for t in filing["report"]["tables"]] == ["社区活动经费", "阅读中心运营"]
    assert len(filing["report"]["skipped"]) == 1  # the sheet whose rows were all left empty


# ------------------------------------------------------------------ learned layouts: a third witness

from jixiao.model import LearnedLayout  # noqa: E402
from jixiao.reader import learned  # noqa: E402

TAUGHT = """| 名目 | 二级指标 | 三级指标 | 考核数 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | 500 | 10 |
| 产出指标 | 质量指标 | 验收合格率 | 100 | 10 |
"""


def test_a_learned_layout_names_the_columns_the_reader_was_not_sure_of(tmp_path):
    layout = LearnedLayout(signature=learned.signature(["名目", "二级指标", "三级指标", "考核数", "分值"]),
                           name="taught.txt", roles={0: "level1", 1: "level3", 3: "target"})
    with learned.using([layout]):
        manifest, records, filing = _convert(tmp_path, "t.txt", TAUGHT)
    columns = filing["report"]["tables"][0]["columns"]
    assert (columns[0]["role"], columns[0]["decided_by"]) == ("level1", "learned")
    # 二级指标 is a header the reader is sure of: the clerk did not override it, so it stays, and says so
    assert columns[1]["role"] == "level2" and "kept" in columns[1]["note"]
    assert [(r["level1"], r["level2"], r["level3"], r["target"]) for r in records] == [
        ("产出指标", "数量指标", "培训人次", "500"), ("产出指标", "质量指标", "验收合格率", "100")]


def test_a_clerks_override_wins_over_the_header_for_that_column_only():
    columns = [Column(spec_named("level2"), "二级指标", decided_by="header"), Column(spec_named("level3"), "三级指标")]
    layout = LearnedLayout(signature="x", name="n", roles={0: "level1", 1: None}, overrides=[0])
    out = learned.apply(columns, layout)
    assert out[0].spec.name == "level1" and out[0].decided_by == "learned"
    assert out[1].spec.name == "level3" and "kept" in out[1].note


# ------------------------------------------------------------------ a table with no header

MID_TABLE = """| 产出指标 | 数量指标 | 培训人次 | ≥500人次 | 10 |
| 产出指标 | 质量指标 | 验收合格率 | 100% | 10 |
| 效益指标 | 社会效益指标 | 群众知晓率 | ≥90% | 10 |
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥95% | 10 |
"""


def test_a_page_that_starts_mid_table_is_read_from_its_cells(tmp_path):
    manifest, records, filing = _convert(tmp_path, "mid.txt", MID_TABLE)
    assert manifest["status"] == "ok"
    assert [scored(r) for r in records][1] == ("产出指标", "质量指标", "验收合格率", "=", "100", "%", "10")
    table = filing["report"]["tables"][0]
    assert table["header_line"] is None
    assert [(c["role"], c["decided_by"]) for c in table["columns"]] == [
        ("level1", "cells"), ("level2", "cells"), ("level3", "cells"), ("target", "cells"), ("score", "cells")]


def test_a_sheet_with_no_header_row_is_read_from_its_cells(tmp_path):
    book = openpyxl.Workbook()
    for row in [("产出指标", "数量指标", "开放天数", "≥300天"), (None, "质量指标", "设备完好率", "≥95%"),
                ("效益指标", "社会效益指标", "读者人次", "≥5万人次"), ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%")]:
        book.active.append(list(row))
    path = tmp_path / "continued.xlsx"
    book.save(path)
    result = convert([str(path)], tmp_path / "out", memory=None, cache=False)
    assert result.manifest[0].status.value == "ok"
    assert [(r.level1, r.level3, r.target, r.unit) for r in result.records][1] == ("产出指标", "设备完好率", "95", "%")


def test_label_and_value_pairs_are_no_table_without_a_header(tmp_path):
    text = """| 项目名称 | 农村道路维护 | 主管部门 | 某某县交通运输局 |
| 资金总额 | 120 | 其中:财政资金 | 120 |
| 实施期 | 2023年 | 项目负责人 | 张三 |
| 年度目标 | 完成道路维护120公里 | 联系电话 | 12345678 |
"""
    manifest, records, _ = _convert(tmp_path, "block.txt", text)
    assert manifest["status"] == "failed" and records == []


# ------------------------------------------------------------------ batches 7 and 8: shapes they brought

TWO_LEVEL = """项目名称: | 绿化养护经费 |
指标类型 | 指标名称 | 指标值 | 指标描述 |
产出指标 | 数量指标 | 375万平方米 | 完成全市375万平方米的绿地养护 |
质量指标 | 100% | 达到绿化绿地全覆盖 |
时效指标 | 全年 | 全年 |
效益指标 | 社会效益指标 | 是 | 满足市民生存环境的需求 |
满意度指标 | 服务对象满意度指标 | ≥95% | 服务对象满意率应该在95%以上 |
最近年度绩效评价情况 | 优秀□ 良好□ 合格□ 不合格□ |
"""


def test_a_table_whose_names_are_second_level_groups_has_no_third_level(tmp_path):
    """指标类型 over 一级 names is no operator column, and 指标名称 over 二级 groups in full is the 二级: the
    rows have no 三级 rather than group words for names; a choice field (优秀□ 良好□) is no row."""
    manifest, records, filing = _convert(tmp_path, "two.txt", TWO_LEVEL)
    assert [(r["level1"], r["level2"], r["level3"], r["target"], r["unit"]) for r in records] == [
        ("产出指标", "数量指标", None, "375", "万平方米"), ("产出指标", "质量指标", None, "100", "%"),
        ("产出指标", "时效指标", None, "全年", None), ("效益指标", "社会效益指标", None, "是", None),
        ("满意度指标", "服务对象满意度指标", None, "95", "%")]
    columns = filing["report"]["tables"][0]["columns"]
    assert [(c["role"], c["decided_by"]) for c in columns[:2]] == [("level1", "cells"), ("level2", "cells")]
    assert manifest["status"] == "ok"


MID_TABLE_RESULTS = """安全警示标志设置及时率 | = | 100 | % | 100 | 5 |
成本指标 | 安全隐患排查成本预算 | = | 6 | 万元 | 6 | 5 |
警示标志设置成本预算 | = | 5 | 万元 | 5 | 5 |
清理垃圾成本预算 | = | 4 | 万元 | 4 | 5 |
效益指标 | 社会效益指标 | 环境治理亮化美化率 | ≥ | 90 | % | 93 | 10 |
安全隐患排查有效处置率 | ≥ | 90 | % | 91 | 10 |
满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥ | 95 | % | 96 | 10 |
"""


def test_a_page_starting_mid_table_with_merged_groups_lost_is_read_by_its_cells_in_context(tmp_path):
    """No header, rows as long as the widest but for their dropped group cells: read from the right.
    Figures after the operator are the target; figures after it that echo it row by row are the result,
    not a score; the row above the first printed group is kept (成本 is no table's first group)."""
    _, records, filing = _convert(tmp_path, "tail.txt", MID_TABLE_RESULTS)
    assert [(r["level3"], r["operator"], r["target"], r["unit"], r["actual"], r["score"]) for r in records] == [
        ("安全警示标志设置及时率", "=", "100", "%", "100", 5), ("安全隐患排查成本预算", "=", "6", "万元", "6", 5),
        ("警示标志设置成本预算", "=", "5", "万元", "5", 5), ("清理垃圾成本预算", "=", "4", "万元", "4", 5),
        ("环境治理亮化美化率", "≥", "90", "%", "93", 10), ("安全隐患排查有效处置率", "≥", "90", "%", "91", 10),
        ("群众满意度", "≥", "95", "%", "96", 10)]
    assert {c["decided_by"] for c in filing["report"]["tables"][0]["columns"] if c["role"]} == {"cells"}


TWO_GROUPS = """项目名称: | 城管执法车辆维修燃油费 |
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 | |
产出指标 | 数量指标 | 完成修理养护的设施数量 | ≥90辆 | 数量指标 | ||||
质量指标 | 经费支出合规性 | 较高 | 质量指标 | |||||
项目验收合格率 | ≥100百分比 | |||||||
时效指标 | 项目完成及时性 | 程度较高 | 时效指标 | |||||
"""


def test_a_row_whose_value_lands_in_a_column_that_is_not_read_is_dropped_and_named(tmp_path):
    """A header that repeats 二级 | 三级 | 指标值 (a second group no row fills): a short row's value may
    align to the second 指标值, which is not read; the row then gives no record, and says so."""
    manifest, records, filing = _convert(tmp_path, "groups.txt", TWO_GROUPS)
    assert [r["level3"] for r in records] == ["完成修理养护的设施数量", "经费支出合规性", "项目完成及时性"]
    assert manifest["status"] == "partial"
    assert [(d["line"], d["reason"]) for d in filing["report"]["tables"][0]["rows_dropped"]] == [(5, "no_name")]
