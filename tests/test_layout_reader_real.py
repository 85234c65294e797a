"""The layout reader on shapes taken from real filings (samples/real/), each cut down to what matters.

- A two-level header a dump printed on one line (Yunnan 公开14表: 绩效指标 | 年度指标值 | … | 一级指标 |
  二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位): 年度指标值 is the group title over the last three.
- A row a pipe dump broke over three lines is one record, not three pieces.
- A 二级 short form the filer printed whole (经济效益) stays as printed; 百分比 stays a unit as printed.
- Glued rows (no separator at all): a scoring rule (得10分…扣1分) is one cell, a closing 定量/定性 is the
  value type, a value's own 以上/大于 is its comparison, 有所减轻 is a qualitative value, and a row whose
  三级 swallowed its rule gives none.
- A glued self-evaluation on one line: rows cut where they align best, fused digits cut where the value
  repeats, a value printed twice is two cells, and the total row and note end the table.
"""

from __future__ import annotations

import json

from helpers import convert_text, scored

ONE_LINE_BAND = """2022年度项目支出绩效自评表 | 部门:某某中学 |
| 项目名称 | 营养改善计划专项资金 | 主管部门 | 某县教育体育局 |
| 年度 总体 目标 | 预期目标 | 实际完成情况 | 改善学生体质 | 改善学生体质 | 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 | 人次 | 735 | 10 | 10 |
| 质量指标 | 营养改善计划覆盖率 | ═ | 100 | % | 100% | 10 | 9 |
| 效益指标 | 经济效益 指标 | 减轻贫困学生家庭经济负担 |
| 有效 |
| 有效 | 10 | 10 |
| 满意度指标 | 服务对象满意度指标等 | 学生满意度 | ≧ | 95 | % | 100% | 10 | 10 |
| 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优 |
"""


SHORT_FORMS = """一级指标 | 二级指标 | 指标名称 | 目标值 | 分值 |
产出指标 | 产出数量 | 完成护工培训任务 | 12500名 | 20 |
| 产出质量 | 参训学员结业考核通过率 | ≥100百分比 | 20 |
效益指标 | 经济效益 | 减轻参训人员经济负担 | 有效减轻 | 30 |
| 社会效益 | 参训学员就业率 | 60%及以上 | 30 |
"""


def test_a_two_level_header_printed_on_one_line_and_a_row_broken_over_lines(tmp_path):
    records = convert_text(tmp_path, ONE_LINE_BAND)
    assert [scored(r) for r in records] == [
        ("产出指标", "数量指标", "学生受资助人数", "≥", "735", "人次", "10"),
        ("产出指标", "质量指标", "营养改善计划覆盖率", "=", "100", "%", "10"),
        ("效益指标", "经济效益指标", "减轻贫困学生家庭经济负担", "定性", "有效", None, "10"),
        ("满意度指标", "服务对象满意度指标等", "学生满意度", "≥", "95", "%", "10"),
    ]
    assert [r.get("actual") for r in records] == ["735", "100%", "有效", "100%"]


def test_short_level2_forms_and_a_spelled_percent_stay_as_printed(tmp_path):
    records = convert_text(tmp_path, SHORT_FORMS)
    assert [(r["level2"], r["unit"]) for r in records] == [
        ("产出数量", "名"), ("产出质量", "百分比"), ("经济效益", None), ("社会效益", "%")]
    economic = records[2]["fields"]["level2"]
    assert economic["status"] == "intact" and economic["raw"] == "经济效益"


PACKED_LINE = (
    "附件: 项目支出绩效自评表 (2022年度) 项目名称 委托业务项目 绩效指标 一级指标 二级指标 三级指标 年度指标值 "
    "实际完成值 分值 得分 偏差原因分析及改进措施 产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8 "
    "质量指标 委托业务报告合格率 ≥100百分比 100 8 8 经费支出合规性 严格执行相关制度规定 达成预期指标 8 8 "
    "成本指标 项目总成本 ≤90万元 90 8 8 单项业务成本 符合相关规定 达成预期指标 10 10\n")


def test_a_spaced_line_holding_rows_with_no_group_name_between_them_is_cut_into_rows(tmp_path):
    records = convert_text(tmp_path, PACKED_LINE)
    assert [scored(r) for r in records] == [
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥", "50", "个", "8"),
        ("产出指标", "质量指标", "委托业务报告合格率", "≥", "100", "百分比", "8"),
        ("产出指标", "质量指标", "经费支出合规性", "定性", "严格执行相关制度规定", None, "8"),
        ("产出指标", "成本指标", "项目总成本", "≤", "90", "万元", "8"),
        ("产出指标", "成本指标", "单项业务成本", "定性", "符合相关规定", None, "10"),
    ]


GUANGDONG = """东莞市财政项目支出绩效目标批复表 | |||||||||
绩效指标 | 一级 指标 |
二级 指标 |
三级 指标 |
指标值(或计划水平) | 二级 指标 |
三级 指标 |
计划指标值(或计划水平) | ||
预期产出指标 | 数量指标(或建筑规模指标) | 镇街补助款完成结算项目数 | 3 | 数量指标(或建筑规模指标) | 镇街补助款完成结算项目数 | 3 | |||
预算(或投资规模)控制指标 | 年度预算执行率 | ≥90% | 预算(或投资规模)控制指标 | 年度预算执行率 | ≥90% | ||||
效果指标 | 社会、经济、生态效益 指标 | 补助款结算争议率 | 0% | 社会、经济、生态效益 指标 | 补助款结算争议率 | 0% | |||
"""


def test_a_forms_own_group_names_are_read_as_groups(tmp_path):
    """Guangdong's 批复表 names its groups 预期产出指标 / 效果指标 and its 二级 预算(或投资规模)控制指标."""
    records = convert_text(tmp_path, GUANGDONG)
    assert [scored(r) for r in records] == [
        ("预期产出指标", "数量指标(或建筑规模指标)", "镇街补助款完成结算项目数", "=", "3", None, None),
        ("预期产出指标", "预算(或投资规模)控制指标", "年度预算执行率", "≥", "90", "%", None),
        ("效果指标", "社会、经济、生态效益指标", "补助款结算争议率", "=", "0", "%", None),
    ]


HUNAN_TRADITIONAL = """績效指標(biāo) | ||||||||
一級(jí)指標(biāo) | 二級(jí)指標(biāo) | 三級(jí)指標(biāo) | 指標(biāo)值類型 | *指標(biāo)值 | 計(jì)量單位 | *指標(biāo)解釋 | *評(píng)(扣)分標(biāo)準(zhǔn) | 備注 |
產(chǎn)出指標(biāo) | 數(shù)量指標(biāo) | 業(yè)務(wù)工作支出安排金額 | 定量 | 28.8萬元 | % | 該指標(biāo)主要考察業(yè)務(wù)工作支出安排情況 | 未達(dá)指標(biāo)值酌情扣分 | |
質(zhì)量指標(biāo) | 業(yè)務(wù)工作支出到位率 | 定量 | 100 | % | 該指標(biāo)主要考察到位情況 | 未達(dá)指標(biāo)值酌情扣分 | ||
成本指標(biāo) | 社會(huì)成本指標(biāo) | 定量 | 100 | % | 該指標(biāo)主要考察總成本控制情況 | 未達(dá)指標(biāo)值酌情扣分 | ||
"""


def test_a_row_one_column_short_keeps_its_third_level_and_its_explanation(tmp_path):
    """The pipe dump drops merged cells: '成本指標 | 社會成本指標 | 定量 …' is 二级 and 三级 (an indicator row
    always has a 三级), and text fills 指标解释 before the 备注 a filer leaves blank."""
    records = convert_text(tmp_path, HUNAN_TRADITIONAL)
    assert [scored(r)[1:] for r in records] == [
        ("数量指标", "业务工作支出安排金额", "=", "28.8", "万元", None),
        ("质量指标", "业务工作支出到位率", "=", "100", "%", None),
        ("成本指标", "社会成本指标", "=", "100", "%", None),
    ]
    # a mirror's copy is read as the filer printed it: simplified, no inserted pinyin, and said so
    assert [r["explanation"] for r in records][2] == "该指标主要考察总成本控制情况"
    assert records[2]["fields"]["explanation"]["raw"] == "该指标主要考察总成本控制情况"
    filing = json.loads((tmp_path / "out" / "filings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "mirror_text" in [e["code"] for e in filing["errors"]]
    assert all(r["remark"] is None for r in records)


BUDGET_EXPORT = """一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注
产出指标 时效指标 项目财政资金到位时间 正向 = 44,561 44,561 10
产出指标 成本指标 建设成本 正向 ≤ 3000元/平方米 5
项目完成时间 正向 = 2023年底 5
"""


def test_numbers_and_units_find_their_columns(tmp_path):
    """A sheet's date serial shown twice (44,561 44,561) leaves the score its own; 元/平方米 is a unit
    (a compound of two); 2023年底 is a date, not 2023 of a unit 年底."""
    records = convert_text(tmp_path, BUDGET_EXPORT)
    assert [scored(r)[2:] for r in records] == [
        ("项目财政资金到位时间", "=", "44,561", "44,561", "10"),
        ("建设成本", "≤", "3000", "元/平方米", "5"),
        ("项目完成时间", "=", "2023年底", None, "5"),
    ]


def test_combined_values_split_as_real_filings_print_them():
    from dataclasses import astuple

    from jixiao.layout.values import split_value as split_parts

    def split_value(text, **kw):
        return astuple(split_parts(text, **kw))

    assert split_value("2023年底") == ("定性", "2023年底", None)  # a deadline, read as written: 年底 is no unit
    assert split_value("3000元/平方米", has_unit_column=True) == ("=", "3000", "元/平方米")
    assert split_value("28.8萬元", has_unit_column=True) == ("=", "28.8", "萬元")  # recognised simplified, kept
    assert split_value("≥100百分比", has_unit_column=True) == ("≥", "100", "百分比")
    assert split_value("1-6期培训结束后及时考核") == ("定性", "1-6期培训结束后及时考核", None)  # a sentence
    assert split_value("18—54周岁") == ("=", "18—54周岁", None)  # a range stays as printed


SHANDONG_STREAM = """项目支出目标申报表

一级

二级

三级

年度数值

备注

产出值

数量值

小学就读人数

<=6962人

 

质量值

教学条件改善、办学水平提高

=100%

 

成本值

义务教育小学生均公用经费

780元/生/年

 

效益值

经济效益值

经费有效使用情况

=100%

 

生态效益值

安全情况

有效

 

内容保障 | 公务邮箱

临邑县人民政府主办
"""


def test_a_stream_of_cells_with_the_forms_own_group_names_is_cut_into_rows(tmp_path):
    """One cell per line, no 一级/二级 name the taxonomy knows (产出值 / 数量值): the stream is cut where
    each piece places a 三级 and a value; the site's footer gives no record."""
    records = convert_text(tmp_path, SHANDONG_STREAM)
    assert [scored(r)[:5] for r in records] == [
        ("产出值", "数量值", "小学就读人数", "≤", "6962"),
        ("产出值", "质量值", "教学条件改善、办学水平提高", "=", "100"),
        ("产出值", "成本值", "义务教育小学生均公用经费", "=", "780"),  # unit 元/生/年
        ("效益值", "经济效益值", "经费有效使用情况", "=", "100"),
        ("效益值", "生态效益值", "安全情况", "定性", "有效"),
    ]


TWO_PROJECTS = """| 部门预算项目绩效目标申报表(2023年度) | ||||||||||||
| 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性 | |
| 820001-某镇人民政府 | 村组干部报酬 | 3,309,840.00 | 按时发放村组干部报酬 | 效益指标 | 社会效益指标 | 维护社会稳定 | ≥ | 95 | % | 10 | 正向指标 | |
| 产出指标 | 时效指标 | 维持时效 | ≥ | 1 | 年 | 20 | 正向指标 | |||||
| 基层组织活动经费 | 660,000.00 | 包括必要的办公用品费、水电费等村社区办公经费。 | 满意度指标 | 服务对象满意度指标 | 辖区内群众满意度 | ≥ | 95 | % | 10 | 正向指标 | ||
| 产出指标 | 数量指标 | 指标1:行政村数量 | = | 11 | 个 | 10 | 正向指标 | |||||
注: 1.“其他资金”是指与财政拨款共同用于同一项目的单位自有资金。
"""


def test_a_grid_of_two_projects_keeps_its_columns(tmp_path):
    """年度目标 (the project's goal) only looks like a clipped 年度目标值: the column named 指标值 exactly is
    the target; 单位名称 | 项目名称 | 预算数 before the indicator columns keep their places, so the second
    project's first row is read whole; the form's numbering 指标1: is no part of the name; 注: ends it."""
    records = convert_text(tmp_path, TWO_PROJECTS)
    assert [(scored(r)[2:], r["project"]) for r in records] == [
        (("维护社会稳定", "≥", "95", "%", "10"), "村组干部报酬"),
        (("维持时效", "≥", "1", "年", "20"), "村组干部报酬"),
        (("辖区内群众满意度", "≥", "95", "%", "10"), "基层组织活动经费"),
        (("行政村数量", "=", "11", "个", "10"), "基层组织活动经费"),
    ]


# A Hunan budget-system export pasted into a page with every separator lost: 指标值 | 指标值内容 |
# 评(扣)分标准 | 度量单位 ('-') | 指标值类型 run together on each line (17-xiangxi-tejiao).
GLUED_RULES = """一级指标二级指标三级指标指标值指标值内容评(扣分标准) 度量单位指标值类型备注
成本指标经济成本指标午餐补助标准12元/人.每天反映学生午餐标准按标准发放得10分,每少1元扣1分-定量
满意度指标服务对象满意度指标家长对午餐满意度90%以上家长对午餐满意程度90%以上得10分,每降低1%扣1分-定性
产出指标质量指标补助资金到位率95%以上实际到位金额/2024年补助预算95%得10分,每减少1%扣1分-定量
时效指标发放完成时间2024年6月30日反映发放完成时间按期完成得10分,每超出10天扣1分-定量
效益指标社会效益指标学生到校率大于95%适龄学生到校情况95%得10分,每减少1%扣1分-定量
学生家庭负担有所减轻对家庭负担减轻情况较大得10分,一般得6分-定性
学生生活质量良好得10分,一般得8分,差得0分-定性
"""


def test_a_glued_row_keeps_its_scoring_rule_whole_and_reads_its_value_type(tmp_path):
    records = convert_text(tmp_path, GLUED_RULES)
    assert [scored(r) for r in records] == [
        ("成本指标", "经济成本指标", "午餐补助标准", "=", "12", None, None),
        # 定性/定量 is the kind of value; the value's own 以上 / 大于 is its comparison
        ("满意度指标", "服务对象满意度指标", "家长对午餐满意度", "≥", "90", "%", None),
        ("产出指标", "质量指标", "补助资金到位率", "≥", "95", "%", None),
        ("产出指标", "时效指标", "发放完成时间", "=", "2024年6月30日", None, None),
        ("效益指标", "社会效益指标", "学生到校率", ">", "95", "%", None),
        # 有所减轻: a qualitative target's set phrase ends the 三级 name
        ("效益指标", "社会效益指标", "学生家庭负担", "定性", "有所减轻", None, None),
    ]
    assert [(r["explanation"], r["scoring_rule"]) for r in records][1:3] == [
        ("家长对午餐满意程度", "90%以上得10分,每降低1%扣1分"),
        ("实际到位金额/2024年补助预算", "95%得10分,每减少1%扣1分")]
    # the last row runs name, value and rule into one cell with nothing to cut it at: no record, and
    # the filing says so
    filing = json.loads((tmp_path / "out" / "filings.jsonl").read_text(encoding="utf-8"))
    assert filing["status"] == "partial"
    assert [d["reason"] for d in filing["report"]["tables"][0]["rows_dropped"]] == ["run_together"]


# A self-evaluation table flattened onto one line with no separator at all (34-zhongjiang): 分值 before
# 年度指标值, two indicators of one 二级 back to back, digits of adjacent cells fused ('20100%100%20' is
# 分值 20, 100%, 100%, 得分 20), a text value printed twice, and a total row and a note after the table.
GLUED_SELF_EVALUATION = (
    "附件:项目绩效自评表绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施"
    "产出指标(60分)数量指标安装水位标尺10≥120米≥120米10标尺宽度10≥40厘米≥40厘米10"
    "质量指标工程验收合格率20100%100%20成本指标项目总投资1015万元15万元10"
    "效益指标(30分)经济效益指标社会效益指标受益户数10≥500人≥500人10灌溉条件改善状况10显著提升显著提升10"
    "……总分100100注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分\n")


def test_a_self_evaluation_flattened_onto_one_glued_line(tmp_path):
    records = convert_text(tmp_path, GLUED_SELF_EVALUATION)
    assert [scored(r) for r in records] == [
        ("产出指标", "数量指标", "安装水位标尺", "≥", "120", "米", "10"),
        ("产出指标", "数量指标", "标尺宽度", "≥", "40", "厘米", "10"),
        ("产出指标", "质量指标", "工程验收合格率", "=", "100", "%", "20"),
        ("产出指标", "成本指标", "项目总投资", "=", "15", "万元", "10"),
        ("效益指标", "社会效益指标", "受益户数", "≥", "500", "人", "10"),
        ("效益指标", "社会效益指标", "灌溉条件改善状况", "定性", "显著提升", None, "10"),
    ]
    assert [(r.get("actual"), r.get("points")) for r in records] == [
        ("≥120米", 10), ("≥40厘米", 10), ("100%", 20), ("15万元", 10), ("≥500人", 10), ("显著提升", 10)]


# A Hebei 绩效评价指标表 run together (40-ningjin): 评价指标 / 评价内容 / 指标名称 are the three levels, the
# 一级 is printed short (产出), and a target's digits run into its 分值 ('1500' + '10' = '150010').
GLUED_EVALUATION_INDEX = """评价指标评价内容指标名称指标说明目标值分值备注
产出数量指标受助学生人数150010
发放及时率100%20
质量指标资助对象覆盖率100%10
资助对象满意度95%以上10
"""


def test_evaluation_index_names_and_a_target_fused_with_its_score(tmp_path):
    records = convert_text(tmp_path, GLUED_EVALUATION_INDEX)
    assert [scored(r) for r in records] == [
        ("产出", "数量指标", "受助学生人数", "=", "1500", None, "10"),
        ("产出", "数量指标", "发放及时率", "=", "100", "%", "20"),
        ("产出", "质量指标", "资助对象覆盖率", "=", "100", "%", "10"),
        ("产出", "质量指标", "资助对象满意度", "≥", "95", "%", "10"),
    ]


def test_a_mirror_copy_is_recognised_by_its_pinyin_or_its_traditional_characters():
    """Three inserted syllables make a mirror's copy, as does a text set in traditional characters;
    a simplified filing that quotes one reading, or gives units in brackets, is read as it is."""
    from jixiao.extractors.mirror import is_mirror_copy
    from jixiao.layout.clean import simplified

    assert is_mirror_copy("績效指標(biāo) 產(chǎn)出指標(biāo) 數(shù)量指標(biāo)")
    assert is_mirror_copy("部門職責：負責全縣檔案工作的統一管理，組織協調檔案資源開發利用。" * 3)
    assert not is_mirror_copy("道路长度 公里(km) 重量(kg) 面积(m2) " * 20 + "行(háng)业")
    assert simplified("總長度(km) 績效(xiào)") == "总长度(km) 绩效"
