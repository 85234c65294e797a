"""Layouts of the fourth held-out batch (samples/real/ 84, 87).

- A central transfer regional self-evaluation dumped one cell per line (Sichuan, 84): the score
  column's header prints only its block's weight ('50') after 实际完成指标值; it is the score column.
"""

from __future__ import annotations

from helpers import convert_text, scored

WEIGHT_HEADED = "\n\n".join([
    "食品监管补助资金区域绩效目标自评表", "年度绩效指标完成情况", "一级指标", "二级指标", "三级指标", "年度指标值",
    "实际完成指标值", "50", "产出指标", "质量指标", "指标1:食品安全监管人员培训", "已完成", "已完成", "5",
    "指标2:违法案件查办率", "100%", "100%", "4", "时效指标", "指标1:专项工作整体完成时间", "2021年12月31日",
    "2021年12月31日", "5", "效益指标", "社会效益指标", "指标1:重大食品安全监管责任事故发生数", "0次", "0次", "3",
    " ", "可持续影响指标", ""])


def test_a_score_column_headed_by_its_block_weight(tmp_path):
    records = convert_text(tmp_path, WEIGHT_HEADED)
    assert [scored(r) for r in records] == [
        ("产出指标", "质量指标", "食品安全监管人员培训", "定性", "已完成", None, "5"),
        ("产出指标", "质量指标", "违法案件查办率", "=", "100", "%", "4"),
        ("产出指标", "时效指标", "专项工作整体完成时间", "=", "2021年12月31日", None, "5"),
        ("效益指标", "社会效益指标", "重大食品安全监管责任事故发生数", "=", "0", "次", "3"),
    ]
    assert [r["actual"] for r in records] == ["已完成", "100%", "2021年12月31日", "0次"]
