"""Layouts of the fourth held-out batch (samples/real/ 84, 87).

- A central transfer regional self-evaluation dumped one cell per line (Sichuan, 84): the score
  column's header prints only its block's weight ('50') after 实际完成指标值; it is the score column.
- A glued Fujian table with one target column per town (指标方向 then 笏石街道办埭头镇): the first town's
  column is the target and 指标方向 (≥, ≤) the operator; where the table prints each value twice, a lone
  run of one number twice ('≥11') is both towns' values fused; '(%)' stays in the name, and the
  explanation opens at '反映' even after a name closing on a bracket or a month ('截至2026年12月底').
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
        ("产出指标", "时效指标", "专项工作整体完成时间", "定性", "2021年12月31日", None, "5"),
        ("效益指标", "社会效益指标", "重大食品安全监管责任事故发生数", "=", "0", "次", "3"),
    ]
    assert [r["actual"] for r in records] == ["已完成", "100%", "2021年12月31日", "0次"]


PER_TOWN = ("附件2水利专项资金绩效目标表项目名称省级水利专项资金总体目标开展2个防洪水利设施水毁修复,"
            "绩效指标一级指标二级指标三级指标指标解释指标方向笏石街道办埭头镇成本指标经济成本指标"
            "省级财政专项资金投入成本控制率(%)反映省级财政专项资金投入成本控制情况≤100%100%"
            "产出指标数量指标开展修复工程(个)反映防洪水利设施水毁修复项目开展情况≥11"
            "时效指标截至2026年12月底,项目开展率(%)反映修复开展情况≥100%100%\n")


def test_one_target_column_per_town_in_a_glued_table(tmp_path):
    records = convert_text(tmp_path, PER_TOWN)
    assert [scored(r) for r in records] == [
        ("成本指标", "经济成本指标", "省级财政专项资金投入成本控制率(%)", "≤", "100", "%", None),
        ("产出指标", "数量指标", "开展修复工程(个)", "≥", "1", None, None),
        ("产出指标", "时效指标", "截至2026年12月底,项目开展率(%)", "≥", "100", "%", None),
    ]
    assert [r["explanation"] for r in records] == [
        "反映省级财政专项资金投入成本控制情况", "反映防洪水利设施水毁修复项目开展情况", "反映修复开展情况"]
