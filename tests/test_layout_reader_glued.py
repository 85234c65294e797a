"""The layout reader on glued dumps (cells run together with no separator), each cut down from a real
filing in samples/real/ to what matters.

- A document-sharing preview (62-hengshan): the site numbers its pages at a line's start ('1、' on the
  header's line, then '2、', '3、') wherever the page broke, inside a row too; the .docx's wrap blanks
  stand inside names and level words ('管理制 度', '产 出 指 标'); a value and its 实际值 fuse ('00',
  '高高', '0起0起' whose second unit runs into the next name); a row's 未完成原因 may hold the next
  row run on; the closing note (注:1、…) ends the table.
"""

from __future__ import annotations


import real_scoring
from helpers import convert_text, scored
from jixiao.extractors.text_grid import cut_glued_row

_FIELDS = ("level1", "level2", "level3", "operator", "target", "unit", "actual")

PREVIEW_PAGES = """《2020年度县级专项资金绩效目标自评表.docx》由会员分享,可在线阅读。
1、2020年度县级专项资金绩效目标自评表专项资金名称县级储备粮年度 总体 目标年初设定目标全年实际完成情况保持储备机制绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值未完成原因和 改进措施产 出 指 标数量 指标5000吨稻谷成 品粮储备到位率100%100%库存数量真实率100%
2、100%质量 指标县级储备粮管理制 度严格执行率100%100%库存粮 食明显变质比例00效益 指标经济 效益 指标利息费用保障率100%100%政策性挂账利息补 贴保障率100%无没有轮换、动用库存可持 续影 响指标粮食储备设备维 护及安全性
3、高高满意 度指 标服务 对象 满意 度指 标粮食安全事件 发生数0起0起市民满意度调查90%100%说明无注:1、其他资金包括和中央、省、市补助
"""


def test_a_preview_whose_page_markers_and_wrap_blanks_fall_inside_rows(tmp_path):
    records = convert_text(tmp_path, PREVIEW_PAGES)
    assert [scored(r, _FIELDS) for r in records] == [
        ("产出指标", "数量指标", "5000吨稻谷成品粮储备到位率", "=", "100", "%", "100%"),
        ("产出指标", "数量指标", "库存数量真实率", "=", "100", "%", "100%"),  # '100%' | '2、' | '100%'
        ("产出指标", "质量指标", "县级储备粮管理制度严格执行率", "=", "100", "%", "100%"),
        ("产出指标", "质量指标", "库存粮食明显变质比例", "=", "0", None, "0"),  # '00': 0 and 0 again
        ("效益指标", "经济效益指标", "利息费用保障率", "=", "100", "%", "100%"),
        # the next row ran into this one's 未完成原因 ('…100%政策性挂账…100%无…'): a row of its own (its
        # '%' still lands in 实际值: the unit is lost, the name and target are read)
        ("效益指标", "经济效益指标", "政策性挂账利息补贴保障率", "=", "100", None, "%"),
        ("效益指标", "可持续影响指标", "粮食储备设备维护及安全性", "定性", "高", None, "高"),  # '3、高高'
        ("满意度指标", "服务对象满意度指标", "粮食安全事件发生数", "=", "0", "起", "0起"),  # '0起0起市民…'
        ("满意度指标", "服务对象满意度指标", "市民满意度调查", "=", "90", "%", "100%"),  # then 注: ends it
    ]
    # the raw text stays traceable: the line each cell was printed on (the third row is on page 2's line)
    assert [r["fields"]["level3"]["provenance"]["line"] for r in records][:3] == [2, 2, 3]


def test_fused_cells_of_a_glued_self_evaluation_are_cut_where_the_value_repeats():
    # '00' (no number is printed with a leading zero), '高高' whole, a repeated value whose second unit ran
    # into the next name, and the closing note kept whole
    assert cut_glued_row("变质比例00") == ["变质比例", "0", "0"]
    assert cut_glued_row("安全性") + cut_glued_row("高高") == ["安全性", "高", "高"]
    assert cut_glued_row("发生数0起0起市民满意度调查90%") == ["发生数", "0", "起", "0", "起", "市民满意度调查", "90", "%"]
    assert cut_glued_row("调查90%说明无注:1、其他资金") == ["调查", "90", "%", "说明无", "注:1、其他资金"]
    # a number and a unit not repeated stay with the text after them (it may be a name: '5000吨稻谷')
    assert cut_glued_row("5000吨稻谷成品粮储备到位率") == ["5000", "吨稻谷成品粮储备到位率"]


NO_LEVEL3_COLUMN = """绩效指标保障绩效目标实现措施一级指标二级指标绩效标准当年预期实现值数量指标办公大楼日常维修维护次数反映办公大楼全年维修维护情况2280次大楼安检巡察次数反映大楼保卫巡检情况200次质量指标办公大楼日常维修维护验收合格率反映办公大楼全年维修维护质量情况>92%
"""


def test_a_header_without_a_level3_column_over_rows_of_level2_names(tmp_path):
    # 一级指标 | 二级指标 | 绩效标准 | 当年预期实现值 over 数量指标 | name | 反映… | value: the printed 一级 column
    # holds the 二级, the 二级 column the indicator, 绩效标准 its explanation; '2280次大楼…': the line's unit
    records = convert_text(tmp_path, NO_LEVEL3_COLUMN)
    assert [scored(r, _FIELDS) for r in records] == [
        ("产出指标", "数量指标", "办公大楼日常维修维护次数", "=", "2280", "次", None),
        ("产出指标", "数量指标", "大楼安检巡察次数", "=", "200", "次", None),
        ("产出指标", "质量指标", "办公大楼日常维修维护验收合格率", ">", "92", "%", None),
    ]
    assert [r["explanation"] for r in records] == [
        "反映办公大楼全年维修维护情况", "反映大楼保卫巡检情况", "反映办公大楼全年维修维护质量情况"]


def test_a_header_without_a_level3_column_over_rows_of_level1_names_is_not_shifted(tmp_path):
    # the same header over 产出指标 rows: the 一级 column is what it says; no 三级 column, so no table
    text = NO_LEVEL3_COLUMN.replace("数量指标", "产出指标").replace("质量指标", "效益指标")
    assert convert_text(tmp_path, text) == []


EXPLANATION_AND_QUALITATIVE = """评价指标评价内容指标名称指标说明目标值分值备注
产出数量指标享受资助人数达到预计值210010
资金支出率达到目标值95%10
效益指标可持续影响指标义务教育优质均衡发展情况稳步提高10
"""


def test_an_explanation_set_phrase_and_a_steady_qualitative_target_are_cells_of_their_own(tmp_path):
    records = convert_text(tmp_path, EXPLANATION_AND_QUALITATIVE)
    assert [scored(r, _FIELDS) + (real_scoring._value(r["score"]), r["explanation"]) for r in records] == [
        ("产出", "数量指标", "享受资助人数", "=", "2100", None, None, "10", "达到预计值"),
        ("产出", "数量指标", "资金支出率", "=", "95", "%", None, "10", "达到目标值"),
        ("效益指标", "可持续影响指标", "义务教育优质均衡发展情况", "定性", "稳步提高", None, None, "10", None),
    ]
