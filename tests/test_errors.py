"""Bad inputs become manifest entries with clear errors; the rest of the batch converts."""

from __future__ import annotations

import json
import subprocess
import sys

from jixiao.pipeline import convert
from jixiao.pipeline.cli import main

from helpers import SEED, codes, read_jsonl


def unequal_rows(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # drop the last explanation row ("/" before the third fragment's title)
    third = max(i for i, line in enumerate(lines) if line.strip() == "年度履职目标")
    del lines[third - 1]
    path = tmp_path / "unequal.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_bad_inputs_do_not_stop_the_batch(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    no_table = tmp_path / "no_table.txt"
    no_table.write_text("衡阳市应急管理局2023年部门预算\n一、收入支出预算总表\n合计 100\n", encoding="utf-8")
    unequal = unequal_rows(tmp_path)
    missing = tmp_path / "does-not-exist.txt"
    out = tmp_path / "out"
    result = convert([str(empty), str(SEED), str(no_table), str(unequal), str(missing)], out, validate=True)

    manifest = read_jsonl(out / "manifest.jsonl")
    assert [m["source"] for m in manifest] == [str(p) for p in (empty, SEED, no_table, unequal, missing)]
    by_source = {m["source"]: m for m in manifest}
    assert by_source[str(empty)]["status"] == "failed" and codes(by_source[str(empty)]) == ["empty_file"]
    assert by_source[str(no_table)]["status"] == "failed" and codes(by_source[str(no_table)]) == ["layout_not_understood"]
    assert by_source[str(missing)]["status"] == "failed" and codes(by_source[str(missing)]) == ["no_such_file"]
    assert by_source[str(SEED)]["status"] == "ok" and by_source[str(SEED)]["records"] == 14

    mismatch = by_source[str(unequal)]
    assert mismatch["status"] == "partial" and codes(mismatch) == ["row_counts_differ"]
    # no row is shifted: the explanation column stays empty, the raw cells are kept aside
    unequal_result = next(f for f in result.filings if f.source == str(unequal))
    assert all(r.explanation is None and r.scoring_rule is None for r in unequal_result.records)
    assert len(unequal_result.unaligned["explanations"]) == 13
    assert len(unequal_result.records) == 14
    assert unequal_result.records[0].level3 == "1、安全生产控制指标在省控制指标□。"


def test_cli_exit_status(tmp_path, capsys):
    assert main(["convert", str(SEED), "-o", str(tmp_path / "a"), "--quiet"]) == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["convert", str(SEED), str(empty), "-o", str(tmp_path / "b"), "--quiet"]) == 1
    assert str(empty) in capsys.readouterr().err  # the failed input is named on stderr
    assert len(read_jsonl(tmp_path / "b" / "records.jsonl")) == 14


def test_cli_usage_errors_exit_2(tmp_path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args],
                                       capture_output=True, text=True)
    assert run().returncode == 2
    assert run("convert", str(SEED)).returncode == 2  # -o is required
    assert run("convert", str(SEED), "-o", str(tmp_path), "--format", "docx").returncode == 2
    helped = run("convert", "--help")
    assert helped.returncode == 0 and "manifest.jsonl" in helped.stdout


def test_log_json_summary(tmp_path, capsys):
    assert main(["convert", str(SEED), "-o", str(tmp_path / "c"), "--log-json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["records"] == 14 and summary["ok"] == 1
