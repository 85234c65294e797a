"""Text shapes the late real batches brought (batches 10–13), at the level of the step that reads them."""

from __future__ import annotations

import json

from helpers import convert_text, scored
from jixiao.extractors.text_csv import csv_rows
from jixiao.extractors.text_forms import detect_form
from jixiao.extractors.text_grid import line_rows, stream_rows
from jixiao.pipeline import convert


def _converted(tmp_path, text: str) -> tuple[list[dict], dict]:
    """The records and the manifest entry of one text dump."""
    records = convert_text(tmp_path, text)
    (entry,) = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    return records, entry


CSV_SHEET = '''编辑: 某人 | 2019-07-07
"一级指标","二级指标","三级指标","指标值","分值"
"产出指标","数量指标","培训人数","≥120人","20"
"","质量指标","培训合格率","≥95%","20"
"效益指标","社会效益指标","群众知晓率,宣传覆盖面","≥90%","30"
'''


def test_a_sheet_saved_as_csv_is_read_by_its_quoted_fields():
    lines = CSV_SHEET.splitlines()
    assert detect_form(lines) == "csv"
    rows = csv_rows(lines)
    assert rows[1] == [("一级指标", 2), ("二级指标", 2), ("三级指标", 2), ("指标值", 2), ("分值", 2)]
    assert rows[3][0] == ("", 4)  # an empty cell keeps its column
    assert rows[4][2] == ("群众知晓率,宣传覆盖面", 5)  # a comma inside quotes stays in its cell


def test_a_csv_sheet_gives_one_record_per_row_with_the_merged_group_carried(tmp_path):
    records = convert_text(tmp_path, CSV_SHEET)
    assert [scored(r) for r in records] == [
        ("产出指标", "数量指标", "培训人数", "≥", "120", "人", "20"),
        ("产出指标", "质量指标", "培训合格率", "≥", "95", "%", "20"),
        ("效益指标", "社会效益指标", "群众知晓率,宣传覆盖面", "≥", "90", "%", "30")]


GOAL_LIST = """关于2019年度某某道路工程绩效评价报告
一、项目基本情况
(一)项目概况:为解决村基础设施问题,改善村民生产生活条件。
(二)绩效目标:道路硬化≥0.565km;项目验收合格率≥100%;受益群众满意度≥96%;改善村基础设施,促进经济发展。
二、绩效评价情况
按照项目资金使用、产出、效益、满意度四类指标,对资金支出行为过程及其效果进行综合评价。
"""


def test_a_report_stating_its_goals_as_one_sentence_of_indicators_is_prose(tmp_path):
    assert detect_form(GOAL_LIST.splitlines()) == "prose"
    records = convert_text(tmp_path, GOAL_LIST)
    # the statement with no value ('改善村基础设施') and the report's prose below make no record
    assert [scored(r)[2:6] for r in records] == [
        ("道路硬化", "≥", "0.565", "km"), ("项目验收合格率", "≥", "100", "%"), ("受益群众满意度", "≥", "96", "%")]


def test_a_group_name_printed_down_a_narrow_merged_cell_is_one_cell_again():
    lines = ["一级指标 二级指标 三级指标 指标值", "产", "出", "指", "标 数量指标 维护设备数量 ≥5套",
             "质量指标 放映质量 明显", "效", "益", "指", "标 经济效益", "指标 观影人数 ≥4万人次"]
    rows = [[text for text, _ in row] for row in line_rows(lines, "spaced")]
    assert rows[1] == ["产出指标", "数量指标", "维护设备数量", "≥5套"]
    assert rows[3] == ["效益指标", "经济效益指标"]  # '经济效益' / '指标' wrapped: one name again
    assert rows[4] == ["观影人数", "≥4万人次"]
    # single characters that spell no group name stay lines of their own
    assert [[t for t, _ in row] for row in line_rows(["甲", "乙", "丙 丁"], "spaced")] == [["甲"], ["乙"], ["丙", "丁"]]


def test_a_sheet_flattened_into_one_line_is_cut_at_its_numbered_indicators(tmp_path):
    line = ("项目支出绩效自评表 (2021年度) 年初预算 0 分值 得分 "
            "指标1:建立预防接种证 221人 221人 2 2 指标2:适龄儿童疫苗接种率 100.00% 97.30% 2 1.9 "
            "指标3:老年人体检数 5662人 4044人 2 1.4 指标4:高血压规范管理数 3807人 3224人 2 1.9 "
            "指标5:糖尿病规范管理数 863人 695人 2 1.8")
    rows = [[text for text, _ in row] for row in line_rows([line], "spaced")]
    assert rows[1] == ["指标1:建立预防接种证", "221人", "221人", "2", "2"] and len(rows) == 6
    records = convert_text(tmp_path, line + "\n")
    # the header cells came out of order (no 三级, no 指标值): the rows below are read from their cells
    assert [(r["level3"], r["target"], r["unit"], r["actual"], r["score"]) for r in records][:2] == [
        ("建立预防接种证", "221", "人", "221人", 2), ("适龄儿童疫苗接种率", "100.00", "%", "97.30%", 2)]
    assert len(records) == 5


MID_TABLE = """城乡居民医保工作经费发放及时率 | = | 100 | % | 5 |
成本指标 | 城乡居民参保网络宣传成本 | ≤ | 101400 | 元 | 5 |
城乡居民医保工作经费发放成本 | = | 1 | 元/人 | 5 |
效益指标 | 社会效益指标 | 城乡居民参保群众知晓率 | = | 100 | % | 15 |
满意度指标 | 服务对象满意度指标 | 城乡居民参保人员满意度 | ≥ | 90 | % | 10 |
合计 | 100 |
部门预算项目支出绩效自评表(2023年度) |
项目名称 | 城乡居民监管工作经费 |
预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 权重 | 得分 |
"""


def test_a_page_that_starts_mid_table_is_read_though_another_tables_header_follows(tmp_path):
    records = convert_text(tmp_path, MID_TABLE)
    assert [scored(r)[:6] for r in records] == [
        (None, None, "城乡居民医保工作经费发放及时率", "=", "100", "%"),
        ("产出指标", "成本指标", "城乡居民参保网络宣传成本", "≤", "101400", "元"),
        ("产出指标", "成本指标", "城乡居民医保工作经费发放成本", "=", "1", "元/人"),
        ("效益指标", "社会效益指标", "城乡居民参保群众知晓率", "=", "100", "%"),
        ("满意度指标", "服务对象满意度指标", "城乡居民参保人员满意度", "≥", "90", "%")]


def test_a_cell_stream_gives_a_group_left_empty_a_row_of_its_own():
    lines = ["一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "配备车辆数", "10",
             "效益指标", "经济效益指标", "社会效益指标", "市民满意程度", "85%", "生态效益指标",
             "可持续影响指标", "服务对象满意度指标", "满意度", "90%"]
    rows = [[text for text, _ in row] for row in stream_rows(lines)]
    assert rows[-5:] == [["效益指标", "经济效益指标"], ["社会效益指标", "市民满意程度", "85%"],
                         ["生态效益指标"], ["可持续影响指标"], ["服务对象满意度指标", "满意度", "90%"]]


WORDED_OPERATORS = """一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 分值
产出指标 | 数量指标 | 租车达标率 | 等于 | 100 | % | 8
产出指标 | 质量指标 | 宣传合格率 | 大于等于 | 95 | % | 7
"""


def test_an_operator_column_that_words_its_signs_is_read_by_the_vocabulary(tmp_path):
    records = convert_text(tmp_path, WORDED_OPERATORS)
    assert [(r["operator"], r["target"], r["unit"]) for r in records] == [("=", "100", "%"), ("≥", "95", "%")]


LOST_AT_THE_END = """一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 培训人数 | 120人
产出指标 | 质量指标 | 培训合格率 | 95%
效益指标 社会效益指标 群众知晓率90%以上 生态效益指标 满意度指标 满意度90%
"""


def test_a_row_after_the_last_read_that_holds_groups_and_figures_is_dropped_and_named(tmp_path):
    records, entry = _converted(tmp_path, LOST_AT_THE_END)
    assert [r["level3"] for r in records] == ["培训人数", "培训合格率"]
    assert entry["status"] == "partial" and "rows_dropped" in [e["code"] for e in entry["errors"]]
    assert "line 4" in entry["error"]


PAGE_GOES_ON = """一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 培训人数 | 120人
产出指标 | 质量指标 | 培训合格率 | 95%
填报说明:本表由项目单位填写,2023年3月报送。
"""


def test_the_page_going_on_below_a_table_is_no_lost_row(tmp_path):
    records, entry = _converted(tmp_path, PAGE_GOES_ON)
    assert len(records) == 2 and entry["status"] == "ok", entry


def test_a_name_cell_of_several_figures_and_units_is_a_row_that_lost_its_name(tmp_path):
    from jixiao.reader.table import _figures_only

    assert _figures_only("种 116次") and _figures_only("14种 1 1 28种")
    # what some filings print in the 三级 place, kept as printed
    assert not _figures_only("20万元") and not _figures_only("0") and not _figures_only("培训人数")


def test_python_api_and_the_reader_agree_on_csv(tmp_path):
    (tmp_path / "a.txt").write_text(CSV_SHEET, encoding="utf-8")
    result = convert([str(tmp_path / "a.txt")], tmp_path / "o", memory=None, cache=False)
    assert [e.status.value for e in result.manifest] == ["ok"]


REPORT = """某区残联2023年度绩效自评报告
一、绩效目标分解下达情况
2023年下达资金29.6万元,用于残疾人基本康复。
(四)绩效指标完成情况分析。
1、产出数量指标:第一,得到基本康复服务比例年初指标值为不低于85%,全年实际完成值100%。第二,资助托养服务人次数年初指标值为不低于105人,全年实际完成值116人。
2、产出时效指标:项目完成时间年初指标值为2023年12月底,实际在规定时间内完成。
3、社会效益指标:残疾人康复服务水平有所提高;社会氛围有所改善。
三、存在的问题
"""


def test_a_report_telling_its_indicators_in_numbered_paragraphs_is_prose(tmp_path):
    from jixiao.extractors.text_report import group_of

    assert group_of("产出数量指标") == ("产出指标", "数量指标") and group_of("社会效益指标") == ("效益指标", "社会效益指标")
    assert group_of("项目概况") is None
    assert detect_form(REPORT.splitlines()) == "prose"
    records = convert_text(tmp_path, REPORT)
    assert [(r["level1"], r["level2"], r["level3"], r["operator"], r["target"], r["unit"], r["actual"])
            for r in records] == [
        ("产出指标", "数量指标", "得到基本康复服务比例", "≥", "85", "%", "100%"),
        ("产出指标", "数量指标", "资助托养服务人次数", "≥", "105", "人", "116人"),
        ("产出指标", "时效指标", "项目完成时间", "定性", "2023年12月底", None, "在规定时间内完成"),
        ("效益指标", "社会效益指标", "残疾人康复服务水平", "定性", "有所提高", None, None),
        ("效益指标", "社会效益指标", "社会氛围", "定性", "有所改善", None, None)]


def test_a_column_headed_by_a_town_and_its_village_is_a_place_column():
    from jixiao.layout.vocabulary import place_columns

    assert place_columns("西坪镇尧山村") == ["西坪镇尧山村"]
    assert place_columns("笏石街道办埭头镇") == ["笏石街道办", "埭头镇"]
    assert place_columns("指标解释") == [] and place_columns("村级组织") == []


STREAM_OWN_GROUPS = """一级指标
二级指标
三级指标
指标值
管理类指标
资金管理
资金到位率
100%
产出类指标
数量指标
培训人数
120人
"""


def test_a_users_group_names_reach_the_text_forms(tmp_path):
    """[levels] of a vocabulary file cut a cell stream's rows as the built-in names do (issue 19): the
    group names the text forms cut by are the vocabulary's in force, not those known at import."""
    from jixiao.extractors.text_grid import group_names
    from jixiao.layout.vocabulary_file import load_file, using

    path = tmp_path / "v.toml"
    path.write_text('[levels]\nlevel1 = ["管理类指标"]\nlevel2 = ["资金管理"]\n', encoding="utf-8")
    lines = STREAM_OWN_GROUPS.splitlines()
    assert "管理类指标" not in group_names().every
    with using(load_file(path)):
        assert {"管理类指标", "资金管理"} <= group_names().every
        rows = [[text for text, _ in row] for row in stream_rows(lines)]
    assert rows[-2:] == [["管理类指标", "资金管理", "资金到位率", "100%"], ["产出类指标", "数量指标", "培训人数", "120人"]]


NOTES_BELOW = """一级指标 | 二级指标 | 三级指标 | 指标值
产出指标 | 数量指标 | 培训人数 | 120人
产出指标 | 质量指标 | 培训合格率 | 95%
2.部门绩效评价结果。
1.财政拨款收入:指单位从同级财政部门取得的财政预算资金。
"""


def test_numbered_notes_below_a_table_are_no_lost_rows(tmp_path):
    """A list item's ordinal ('2.部门绩效评价结果。') is no figure: such a line is the page's, not an
    indicator row that lost its name (a false alarm for a clerk to chase)."""
    records, entry = _converted(tmp_path, NOTES_BELOW)
    assert len(records) == 2 and entry["status"] == "ok", entry


def test_a_groups_score_or_a_blank_numbered_row_is_no_figure_of_a_lost_row():
    from jixiao.layout.values import is_score_range
    from jixiao.reader.table import _holds_figure

    assert is_score_range("(50分)") and is_score_range("(40-50)分") and not is_score_range("产出指标 (40-50)分")
    assert not _holds_figure("(50分)") and not _holds_figure("指标2") and not _holds_figure("2.部门绩效评价结果。")
    assert _holds_figure("95%") and _holds_figure("1.5万元") and _holds_figure("≥120人")


def test_a_templates_numbered_slot_is_one_piece_of_a_glued_row():
    from jixiao.extractors.text_grid import cut_glued_row

    # '指标1:' / '指标2:' left blank stay whole: empty template rows, never a 三级 named 指标 with value 1
    assert cut_glued_row("合格合格2020指标2:时效指标指标1:指标2:成本指标") == [
        "合格", "合格", "2020", "指标2:", "时效指标", "指标1:", "指标2:", "成本指标"]


def test_a_glued_rows_total_and_the_next_tables_block_make_no_record():
    from jixiao.reader.table import _unnumbered

    assert _unnumbered("指标2:总分10098项目名称中青年演员培训经费") == "总分10098项目名称中青年演员培训经费"
    assert _unnumbered("资金到位率") == "资金到位率"
