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

from pathlib import Path

import real_scoring
from jixiao.pipeline import convert

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


def _records(tmp_path: Path, text: str) -> list[dict]:
    source = tmp_path / "filing.txt"
    source.write_text(text, encoding="utf-8")
    convert([str(source)], tmp_path / "out", memory=None, cache=False)
    return real_scoring.read_records(tmp_path / "out").get("filing.txt", [])


def _fields(record: dict) -> tuple:
    return tuple(real_scoring._value(record.get(name)) for name in
                 ("level1", "level2", "level3", "operator", "target", "unit", "score"))


def test_a_two_level_header_printed_on_one_line_and_a_row_broken_over_lines(tmp_path):
    records = _records(tmp_path, ONE_LINE_BAND)
    assert [_fields(r) for r in records] == [
        ("产出指标", "数量指标", "学生受资助人数", "≥", "735", "人次", "10"),
        ("产出指标", "质量指标", "营养改善计划覆盖率", "=", "100", "%", "10"),
        ("效益指标", "经济效益指标", "减轻贫困学生家庭经济负担", "定性", "有效", None, "10"),
        ("满意度指标", "服务对象满意度指标等", "学生满意度", "≥", "95", "%", "10"),
    ]
    assert [r.get("actual") for r in records] == ["735", "100%", "有效", "100%"]


def test_short_level2_forms_and_a_spelled_percent_stay_as_printed(tmp_path):
    records = _records(tmp_path, SHORT_FORMS)
    assert [(r["level2"], r["unit"]) for r in records] == [
        ("产出数量", "名"), ("产出质量", "百分比"), ("经济效益", None), ("社会效益", "%")]
    economic = records[2]["fields"]["level2"]
    assert economic["status"] == "intact" and economic["raw"] == "经济效益"


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
    source = tmp_path / "filing.txt"
    source.write_text(GLUED_RULES, encoding="utf-8")
    convert([str(source)], tmp_path / "out", memory=None, cache=False)
    records = real_scoring.read_records(tmp_path / "out")["filing.txt"]
    assert [_fields(r) for r in records] == [
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
    filing = (tmp_path / "out" / "filings.jsonl").read_text(encoding="utf-8")
    assert "1 row(s) below the header at line 1 run several cells together" in filing


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
    records = _records(tmp_path, GLUED_SELF_EVALUATION)
    assert [_fields(r) for r in records] == [
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
    records = _records(tmp_path, GLUED_EVALUATION_INDEX)
    assert [_fields(r) for r in records] == [
        ("产出", "数量指标", "受助学生人数", "=", "1500", None, "10"),
        ("产出", "数量指标", "发放及时率", "=", "100", "%", "20"),
        ("产出", "质量指标", "资助对象覆盖率", "=", "100", "%", "10"),
        ("产出", "质量指标", "资助对象满意度", "≥", "95", "%", "10"),
    ]
