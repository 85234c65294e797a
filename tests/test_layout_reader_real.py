"""The layout reader on shapes taken from real filings (samples/real/), each cut down to what matters.

- A two-level header a dump printed on one line (Yunnan 公开14表: 绩效指标 | 年度指标值 | … | 一级指标 |
  二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位): 年度指标值 is the group title over the last three.
- A row a pipe dump broke over three lines is one record, not three pieces.
- A 二级 short form the filer printed whole (经济效益) stays as printed; 百分比 stays a unit as printed.
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
