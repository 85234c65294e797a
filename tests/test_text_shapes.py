"""Text shapes later real batches brought (batches 7 and 8), at the level of the step that reads them."""

from __future__ import annotations

from helpers import convert_text, scored
from jixiao.extractors.text_forms import detect_form
from jixiao.extractors.text_grid import cut_glued_row
from jixiao.layout.values import split_value


def test_a_name_run_into_its_restatement_is_cut_where_the_restatement_begins():
    assert cut_glued_row("补贴覆盖率对符合条件的对象发放解困工资的覆盖率100%计划标准")[:2] == [
        "补贴覆盖率", "对符合条件的对象发放解困工资的覆盖率"]
    assert cut_glued_row("预算成本项目预算成本,明细详见项目构成分解≦380万计划标准")[:2] == [
        "预算成本", "项目预算成本,明细详见项目构成分解"]
    # a name that restates nothing stays whole
    assert cut_glued_row("资助建档立卡贫困家庭子女人数1966人")[0] == "资助建档立卡贫困家庭子女人数"


def test_a_kind_of_standard_is_a_cell_of_its_own_in_a_glued_row():
    assert cut_glued_row("补助人数实际发放人数250人计划标准")[-3:] == ["250", "人", "计划标准"]


GLUED_WITH_CONTENT = """专项资金绩效目标表
一级指标二级指标三级指标指标内容指标值绩效标准
产出指标数量指标补助人数实际发放解困工资人数250人计划标准
质量指标补贴覆盖率对符合条件的对象发放解困工资的覆盖率100%历史标准
成本指标补贴标准解困工资发放标准1130元/月/人计划标准
"""


def test_a_glued_table_with_a_content_column_reads_name_content_value_and_unit(tmp_path):
    records = convert_text(tmp_path, GLUED_WITH_CONTENT)
    assert [(r["level3"], r["explanation"], r["operator"], r["target"], r["unit"]) for r in records] == [
        ("补助人数", "实际发放解困工资人数", "=", "250", "人"),
        ("补贴覆盖率", "对符合条件的对象发放解困工资的覆盖率", "=", "100", "%"),
        ("补贴标准", "解困工资发放标准", "=", "1130", "元/月/人")]


NOTICE = """七、绩效目标
总体目标:按标准平均每生每年3300元,实行春、秋季评选发放。
(一)产出指标
1、数量指标:资助建档立卡贫困子女1966人。
2、质量指标:资助标准100%达标。
3、时效指标:资助经费发放率100%达标,资助经费到位率100%达标。
4、成本指标:享受国家助学金平均每生每年3300元。
(二)效益指标
"""


def test_a_notice_with_bracketed_headings_and_numbered_labels_is_prose_with_plain_figures(tmp_path):
    assert detect_form(NOTICE.splitlines()) == "prose"
    records = convert_text(tmp_path, NOTICE)
    assert [scored(r)[1:] for r in records] == [
        ("数量指标", "资助建档立卡贫困子女", "=", "1966", "人", None),
        ("质量指标", "资助标准", "=", "100", "%", None),
        ("时效指标", "资助经费发放率", "=", "100", "%", None),
        ("时效指标", "资助经费到位率", "=", "100", "%", None),
        ("成本指标", "享受国家助学金平均每生每年", "=", "3300", "元", None)]


def test_a_figure_said_to_be_met_keeps_its_unit_apart_from_the_word():
    met, word = split_value("100%达标"), split_value("达标")
    assert (met.operator, met.target, met.unit) == ("=", "100", "%")
    assert (word.operator, word.target, word.unit) == ("定性", "达标", None)


PIPE_ROWS_WITH_FILLERS = "\n".join(
    f"{row} |\n|\n| |||" for row in (
        "安全警示标志设置及时率 | = | 100 | % | 100 | 5", "成本指标 | 安全隐患排查成本预算 | = | 6 | 万元 | 6 | 5",
        "警示标志设置成本预算 | = | 5 | 万元 | 5 | 5", "清理垃圾成本预算 | = | 4 | 万元 | 4 | 5"))


def test_pipe_rows_each_followed_by_lines_of_empty_cells_are_a_pipe_table_not_one_cell_a_line():
    assert detect_form(PIPE_ROWS_WITH_FILLERS.splitlines()) == "pipe"
    one_cell_a_line = "\n".join(f"{cell}\n|" for cell in ("一级指标", "二级指标", "三级指标", "指标值") * 4)
    assert detect_form(one_cell_a_line.splitlines()) == "cell_lines"
