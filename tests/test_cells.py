"""Splitting glued text-dump rows and glued scores."""

from __future__ import annotations

import pytest

from jixiao.reader.fragment_cells import split_indicator_line, split_scoring_cell


def texts(cells):
    return {name: cell.text for name, cell in cells.items()}


def test_glued_satisfaction_row():
    cells = split_indicator_line("满意度指标服务对象满意社会公众对工作的期望 ≥ 95 %")
    assert texts(cells) == {"level1": "满意度指标", "level2": "服务对象满意", "level3": "社会公众对工作的期望",
                            "operator": "≥", "target": "95", "unit": "%"}
    assert cells["level1"].at_capacity and cells["level2"].at_capacity
    # one space before the operator: a separator, or a collapsed run's gap glued on
    assert cells["level3"].at_capacity is None


def test_level3_glued_to_operator_is_at_capacity():
    cells = split_indicator_line("效益指标 社会效益指标提升应急救援能力强化应急队伍建≥ 95 %")
    assert cells["level3"].text == "提升应急救援能力强化应急队伍建"
    assert cells["level3"].at_capacity is True


def test_qualitative_row_with_clipped_level2():
    cells = split_indicator_line("效益指标 可持续影响指发挥作用的期限 定性 长期 /")
    assert texts(cells) == {"level1": "效益指标", "level2": "可持续影响指", "level3": "发挥作用的期限",
                            "operator": "定性", "target": "长期", "unit": "/"}


@pytest.mark.parametrize("line, expected", [
    ("效益指标 经济效益指标/ /", {"level3": "/", "operator": "/"}),
    ("成本指标 社会成本指标/ / /", {"level3": "/", "operator": "/", "target": "/"}),
])
def test_empty_rows(line, expected):
    cells = texts(split_indicator_line(line))
    assert {k: v for k, v in cells.items() if k not in ("level1", "level2")} == expected


def test_full_width_operator_and_glued_unit():
    cells = texts(split_indicator_line("产出指标 数量指标 培训人次 ＞ 500人次"))
    assert cells["operator"] == "＞" and cells["target"] == "500" and cells["unit"] == "人次"


def test_level3_ending_in_gap_before_operator():
    cells = texts(split_indicator_line("产出指标 数量指标 1、安全生产控制指标在省控制指标 。= 100 %"))
    assert cells["level3"] == "1、安全生产控制指标在省控制指标 。"
    assert (cells["operator"], cells["target"], cells["unit"]) == ("=", "100", "%")


@pytest.mark.parametrize("text, rule, score, remark", [
    ("控制在指标内得5分，超过1%扣1分5", "控制在指标内得5分，超过1%扣1分", "5", None),
    ("办结率100%得10分，每降低1 扣2分10", "办结率100%得10分，每降低1 扣2分", "10", None),
    ("发挥长作用得10分，未发挥作10", "发挥长作用得10分，未发挥作", "10", None),
    ("成本在预算内得20分，超过1 扣5分20", "成本在预算内得20分，超过1 扣5分", "20", None),
    # the rule's own 得N分 decides where a rule ending in a digit stops
    ("完成得5分，超过15", "完成得5分，超过1", "5", None),
    ("按时完成得2.5分2.5", "按时完成得2.5分", "2.5", None),
    ("/", "/", None, None),
    ("完成得满分", "完成得满分", None, None),
    # a remark after the score
    ("完成得5分，每降低1%扣1分5 市重点民生实事", "完成得5分，每降低1%扣1分", "5", "市重点民生实事"),
    # ... but a gap before the rule's last words is not a remark
    ("达到目标得10分，每降低1 扣2分", "达到目标得10分，每降低1 扣2分", None, None),
])
def test_split_score(text, rule, score, remark):
    assert split_scoring_cell(text) == (rule, score, remark)
