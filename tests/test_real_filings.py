"""Acceptance on real filings with hand-written truth (samples/real/), reported apart from generated ones.

The four excerpts given with the task (01, 03, 04, 07) are read without a fault; a page that
names a 绩效目标表 but holds no indicator table fails with a message naming the file and what
was seen; no real filing crashes the reader, and a failed filing gives no records.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import real_scoring
from helpers import ROOT, codes, read_jsonl
from jixiao.pipeline import convert

REAL = ROOT / "samples" / "real"
GIVEN = ("01-ningde-dangshi-2019", "03-fengjie-yingji-2023", "04-ganzi-scjg", "07-xiangtan-huanwei-2023")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "out"
    result = convert([str(REAL)], out, memory=None, cache=False)
    return result, out, real_scoring.read_records(out)


def test_the_given_real_filings_are_read_exactly(converted):
    _, _, records = converted
    for stem in GIVEN:
        (truth,) = real_scoring.truths([str(REAL / f"{stem}.truth.json")])
        score = real_scoring.score_file(truth, records.get(truth["file"], []))
        assert score["found"] == score["rows"] and score["fields_right"] == score["fields"], (stem, score)
        assert score["junk"] == 0, (stem, score)


def test_the_header_block_of_the_given_filings(converted):
    _, out, _ = converted
    filings = {Path(f["source"]).name: f for f in read_jsonl(out / "filings.jsonl")}
    ningde = filings["01-ningde-dangshi-2019.txt"]
    assert ningde["department"] == "中共宁德市委党史和地方志研究室" and ningde["year"] == 2019
    assert [g["text"] for g in ningde["goals"]][0] == "确保本室各人员工资及福利的发放;"
    assert filings["04-ganzi-scjg.txt"]["department"] == "甘孜藏族自治州市场监督管理局机关"
    assert filings["04-ganzi-scjg.txt"]["year"] is None
    assert filings["07-xiangtan-huanwei-2023.txt"]["department"] == "湘潭市环境卫生管理处"
    # a label with its code column named too (主管部门及代码) is that label, not 主管部门 followed by '及代码'
    assert filings["96-bozhou-renying-2023.txt"]["department"] == "亳州市气象局"
    # the next label printed on the department's line (填报日期:…) is not part of its name
    assert filings["90-baoshan-tuiyi-2022.txt"]["department"] == "保山市退役军人事务局"
    assert filings["14-jinan-canlian-2023.txt"]["department"] == "六安市金安区残疾人联合会"  # '[103]' is its code


def test_a_page_without_an_indicator_table_fails_and_says_what_it_saw(converted):
    result, _, records = converted
    (entry,) = [e for e in result.manifest if e.source.endswith("19-guangshui-zhengfuban-2021-notable.txt")]
    assert entry.status.value == "failed" and codes(entry) == ["layout_not_understood"]
    assert not records.get("19-guangshui-zhengfuban-2021-notable.txt")


def test_every_real_filing_gets_a_manifest_line_and_failed_ones_give_no_records(converted):
    result, _, records = converted
    names = sorted(t["file"] for t in real_scoring.truths([str(REAL)]))  # whatever their format
    read = [e for e in result.manifest if e.status.value != "skipped"]
    assert sorted(Path(e.source).name for e in read) == names
    # the truth files and the README are listed too, as files that are no filing
    assert sorted(Path(e.source).name for e in result.manifest) == sorted(p.name for p in REAL.iterdir())
    assert all(e.unrelated for e in result.manifest if e.status.value == "skipped")
    for entry in read:
        assert "crashed" not in (entry.error or ""), entry.error
        if entry.status.value == "failed":
            assert not records.get(Path(entry.source).name), entry.source


def test_absent_columns_are_absent_not_intact(converted):
    _, out, _ = converted
    ganzi = [r for r in read_jsonl(out / "records.jsonl") if r["source"].endswith("04-ganzi-scjg.txt")]
    assert ganzi and all(r["fields"]["explanation"]["status"] == "absent" for r in ganzi)
    assert all(r["fields"]["level3"]["status"] != "absent" for r in ganzi)


def test_the_memory_learns_nothing_from_a_filing_that_failed(tmp_path):
    """The seed without its indicator fragment fails at the join: none of its passages (duties,
    goals, explanations) is remembered, while a good filing's are."""
    import bad_inputs
    from jixiao.repair.memory import RepairMemory

    path = tmp_path / "no-indicators.txt"
    path.write_bytes(bad_inputs.only_fragments(1, 2)())
    memory = tmp_path / "memory.sqlite"
    result = convert([str(path)], tmp_path / "out", memory=str(memory), cache=False)
    assert result.manifest[0].status.value == "failed", result.manifest[0].error
    with RepairMemory(memory) as store:
        assert len(store) == 0
    convert([str(ROOT / "samples" / "seed_hengyang_emergency_management.txt")], tmp_path / "out2",
            memory=str(memory), cache=False)
    with RepairMemory(memory) as store:
        assert len(store) > 0


def test_an_outline_of_bracketed_headings_is_read(converted):
    """12-huangshan: no table, but 【产出指标-数量指标】 headings each followed by 指标1:机柜数量(≥77台)."""
    _, _, records = converted
    (truth,) = real_scoring.truths([str(REAL / "12-huangshan-gongan-2025.truth.json")])
    score = real_scoring.score_file(truth, records.get(truth["file"], []))
    assert score["found"] == score["rows"] == 9 and score["fields_right"] == score["fields"], score
    assert score["junk"] == 0


_LATE_BATCHES = range(10, 16)  # collected and scored on arrival in round three, then tuned for


def _figures(converted, holdout: bool, late: bool = False) -> dict:
    _, _, records = converted
    rows = [real_scoring.score_file(t, records.get(t["file"], [])) for t in real_scoring.truths([str(REAL)])
            if real_scoring.frozen(t["file"]) == holdout
            and (real_scoring.collection(t["file"]) in _LATE_BATCHES) == late]
    return real_scoring.summary(rows)


def test_the_tuning_set_holds_todays_figures(converted):
    """The real filings rules may be written for (the first collection, held-out batches 1, 2, 6, 7 and 8
    once each was scored on arrival): today's floor, so that a change that reads them worse fails here.
    Issue 18 asks 95 % of fields; make eval prints the figures per family, batch and form. Three junk
    records are known and not yet fixed: 121's scoring summary below its table (预算绩效评价结果 |
    考核节点进度完成率 | 10分 …) read as two rows, and 141's cut last row, whose 二级 in short form
    (社会效益) runs into its name."""
    summary = _figures(converted, holdout=False)
    assert summary["rows_found"] >= 0.95 and summary["fields_right"] >= 0.95, summary
    assert summary["junk_records"] <= 3, summary


def test_the_late_batches_hold_todays_figures(converted):
    """Batches 10–15 (files 180–282), scored on arrival (rows found 50.0, 20.6, 56.2, 2.5, 62.5 and
    12.5 %); 10–13 were then read better by general rules, and all stay far from the rest:
    doc-sharing dumps whose OCR ran a table's cells together (183, 184, 202, 225; 183 gives 7 junk
    records), old templates (204, 240), a header over two lines (180), digits stripped (243), a scanned
    Word file's garbled names (261: 4 junk records). Today's floor, so that it cannot fall unseen."""
    summary = _figures(converted, holdout=False, late=True)
    assert summary["rows_found"] >= 0.58 and summary["fields_right"] >= 0.56, summary
    assert summary["junk_records"] <= 19, summary


def test_the_frozen_holdout_holds_its_figures(converted):
    """Batches 3, 4 and 5 (files 70–97), frozen when issue 18 began: no rule since looked at them; a
    change that reads them worse fails here (its figure is reported apart by make eval)."""
    summary = _figures(converted, holdout=True)
    assert summary["rows_found"] >= 0.905 and summary["fields_right"] >= 0.9, summary
    assert summary["junk_records"] <= 0, summary
