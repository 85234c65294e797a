"""The acceptance table of the Backbone issue, checked field by field on the real seed."""

from __future__ import annotations

import pytest

from jixiao.pipeline import convert

from helpers import SEED, read_jsonl

EXPLANATION_1_4 = "实现共建共享，达到上下贯通、扁平化指挥、可视化调度、数字化运行、立体化运作要求。"
EXPECTED_ROWS = {
    # row: level1, level2, level3, operator, target, unit, score
    1: ("产出指标", "数量指标", "1、安全生产控制指标在省控制指标□。", "=", "100", "%", 5),
    2: ("产出指标", "数量指标", "2、杜绝重特大事故发生。", "=", "0", "起", 5),
    5: ("产出指标", "质量指标", "重点工作办结率", "=", "100", "%", 10),
    6: ("产出指标", "时效指标", "项目完成率", "≥", "100", "%", 10),
    7: ("效益指标", "经济效益指标", None, None, None, None, None),
    8: ("效益指标", "社会效益指标", "提升应急救援能力强化应急队伍建", "≥", "95", "%", 10),
    10: ("效益指标", "可持续影响指标", "发挥作用的期限", "定性", "长期", None, 10),
    11: ("满意度指标", "服务对象满意度指标", "社会公众对工作的期望", "≥", "95", "%", 10),
    12: ("成本指标", "经济成本指标", "控制成本", "<", "100", "%", 20),
    14: ("成本指标", "生态环境成本指标", None, None, None, None, None),
}


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed")
    result = convert([str(SEED)], out, validate=True)
    return result, out


def test_fourteen_records_of_the_department(seed_out):
    result, _ = seed_out
    assert len(result.records) == 14
    assert {r.department for r in result.records} == {"衡阳市应急管理局"}
    assert [r.row for r in result.records] == list(range(1, 15))


@pytest.mark.parametrize("row", sorted(EXPECTED_ROWS))
def test_acceptance_row(seed_out, row):
    result, _ = seed_out
    record = result.records[row - 1]
    actual = (record.level1, record.level2, record.level3, record.operator, record.target, record.unit,
              record.score)
    assert actual == EXPECTED_ROWS[row]


def test_clipped_level3_is_flagged_not_padded(seed_out):
    record = seed_out[0].records[7]
    field = record.fields["level3"]
    assert "possibly_clipped" in field.flags
    assert record.needs_review


def test_explanations_and_scoring(seed_out):
    records = seed_out[0].records
    assert [r.explanation for r in records[:4]] == [EXPLANATION_1_4] * 4
    assert records[1].scoring_rule == "无重特大事故发生得5分，发□1分"
    assert records[0].scoring_rule == "控制在指标内得5分，超过1%扣1分"


def test_goals_three_and_five_restored_from_explanations(seed_out):
    filing = seed_out[0].filings[0]
    goals = {g.number: g for g in filing.goals if g.number in (3, 5)}
    assert goals[3].text == "打造统一指挥、专常兼备、反应灵敏、上下联动、平战结合的应急救援力量,提高防灾减灾救灾□,确□。"
    assert goals[5].text == (
        "依法治安、改革创新、事故预防、基础建设和素质提升，进一步提升安全监管水平，确确实现□“三□”目□，为□。")
    for goal in goals.values():
        passages = [e for e in goal.evidence if e.kind == "passage"]
        assert passages and all(e.field.startswith("explanations[") for e in passages)
        # every restored span points into the text and says what it restored
        for evidence in passages:
            start, end = evidence.span
            assert goal.text[start:end] == evidence.text


def test_duties_items_and_numbering(seed_out):
    filing = seed_out[0].filings[0]
    assert [d.label for d in filing.duties] == [f"（{n}）" for n in "一二三四五六七八九十"] + ["（十一）"]
    eleventh = filing.duties[-1]
    assert any(e.kind == "numbering" for e in eleventh.evidence)
    truncated = [d for d in filing.duties if "□" in (d.text or "")]
    assert len(truncated) == 10
    assert all("gap" in d.flags for d in truncated)
    assert filing.duties[0].status.value == "intact"


def test_everything_with_a_gap_is_flagged_and_queued(seed_out):
    result, out = seed_out
    filing = result.filings[0]
    assert filing.needs_review
    for record in result.records:
        has_gap = any("□" in (getattr(record, name) or "") for name in record.fields if name != "score")
        if has_gap:
            assert record.needs_review
    queued = {(item["row"], item["field"]): item for item in read_jsonl(out / "review.jsonl")}
    for record in result.records:
        for name, field in record.fields.items():
            if field.value and "□" in str(field.value):
                item = queued[(record.row, name)]
                assert item["raw"] == field.raw
    for position, duty in enumerate(filing.duties, start=1):
        if "□" in (duty.text or ""):
            assert queued[(None, f"duties[{position}]")]["raw"] == duty.raw


def test_slash_means_null(seed_out):
    record = seed_out[0].records[12]  # 成本指标 社会成本指标/ / /
    assert record.level3 is None and record.operator is None and record.target is None
    assert record.fields["level3"].raw == "/"
