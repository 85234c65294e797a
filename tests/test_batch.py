"""Batch conversion: engines agree byte for byte, killed runs resume, every input is accounted for."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jixiao.pipeline import convert

from helpers import ROOT, codes, read_jsonl

COMPARED = ("records.jsonl", "filings.jsonl", "manifest.jsonl", "review.jsonl", "records.csv", "records.parquet")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Eight generated text filings, one duplicate, one that is not a filing, one missing path."""
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, "-m", "samplegen.generate", "--out", str(folder / "gen"),
                    "--count", "8", "--forms", "txt"], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    filings = sorted((folder / "gen").glob("*.txt"))
    duplicate = folder / "copy.txt"
    duplicate.write_bytes(filings[0].read_bytes())
    junk = folder / "junk.txt"
    junk.write_text("这不是绩效目标表\n", encoding="utf-8")
    return [str(p) for p in filings[:4]] + [str(duplicate), str(junk), str(folder / "missing.txt")] + \
        [str(p) for p in filings[4:]]


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in COMPARED if (out / name).exists()}


@pytest.fixture(scope="module")
def serial_out(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    convert(corpus, out, engine="serial", formats=("jsonl", "csv", "parquet", "xlsx"))
    return out


def test_manifest_has_one_line_per_input_in_order(corpus, serial_out):
    manifest = read_jsonl(serial_out / "manifest.jsonl")
    assert [m["source"] for m in manifest] == corpus
    statuses = {m["source"]: m["status"] for m in manifest}
    assert statuses[corpus[5]] == "failed" and statuses[corpus[6]] == "failed"
    assert sum(s != "failed" for s in statuses.values()) == 9
    ids = [m["filing"] for m in manifest if m["filing"]]
    assert len(ids) == len(set(ids))  # the duplicate got its own id


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_engines_give_identical_bytes(engine, corpus, serial_out, tmp_path):
    out = tmp_path / engine
    assert len(outputs(serial_out)) == len(COMPARED)
    result = convert(corpus, out, engine=engine, workers=2, formats=("jsonl", "csv", "parquet", "xlsx"),
                     keep_results=False)
    assert outputs(out) == outputs(serial_out)
    assert result.summary["failed"] == 2 and len(result.outcomes) == 2  # only the failures are kept


def test_rerun_uses_the_cache_and_redoes_a_changed_input(corpus, tmp_path):
    inputs = [p for p in corpus if Path(p).exists()][:4]
    out = tmp_path / "out"
    convert(inputs, out, engine="serial")
    before = {p: p.stat().st_mtime_ns for p in (out / ".cache").rglob("*.json")}
    first = outputs(out)
    convert(inputs, out, engine="serial")
    assert outputs(out) == first
    assert {p: p.stat().st_mtime_ns for p in (out / ".cache").rglob("*.json")} == before  # nothing redone

    changed = tmp_path / "changed.txt"
    changed.write_bytes(Path(inputs[1]).read_bytes().replace("。".encode(), "；".encode(), 1))
    convert([inputs[0], str(changed), *inputs[2:]], out, engine="serial")
    extract_entries = list((out / ".cache/extract").rglob("*.json"))
    assert len(extract_entries) == 4  # the old version's entry was pruned
    unchanged = [p for p in extract_entries if p in before]
    assert len(unchanged) == 3 and all(before[p] == p.stat().st_mtime_ns for p in unchanged)


def test_a_killed_run_resumes_to_the_same_outputs(tmp_path):
    subprocess.run([sys.executable, "-m", "samplegen.generate", "--out", str(tmp_path / "in"),
                    "--count", "24", "--forms", "txt"], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    command = [sys.executable, "-m", "jixiao.pipeline.cli", "convert", str(tmp_path / "in"), "--no-memory",
               "--workers", "1", "-q", "--format", "csv,parquet"]
    clean = tmp_path / "clean"
    subprocess.run([*command, "-o", str(clean)], check=True, capture_output=True)

    killed = tmp_path / "killed"
    process = subprocess.Popen([*command, "-o", str(killed)], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list((killed / ".cache/repair").rglob("*.json"))) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the whole run, workers included, mid phase 2
    process.wait()
    cached = len(list((killed / ".cache/repair").rglob("*.json")))
    assert 6 <= cached < 24, "the kill should land mid-batch"
    assert not (killed / "records.jsonl").exists()  # nothing half-written in place

    subprocess.run([*command, "-o", str(killed)], check=True, capture_output=True)
    assert outputs(killed) == outputs(clean)
    assert not [p for p in killed.iterdir() if p.name.endswith(".tmp")]


def test_a_hanging_input_times_out_and_the_batch_goes_on(corpus, tmp_path):
    """The pathological input is an honest-to-goodness filing 1200 times the usual length (~25 s):
    its repair takes far longer than the 8 s timeout given here (a normal filing: ~0.15 s, which leaves
    room for a loaded machine)."""
    from samplegen.generate import load_specs, make_garble, render_text_dump

    spec = copy.deepcopy(load_specs()[0])
    spec["id"] += "-huge"
    spec["indicators"] = spec["indicators"] * 1200
    huge = tmp_path / "huge.txt"
    huge.write_text(render_text_dump(spec, make_garble(spec)), encoding="utf-8")
    inputs = [corpus[0], str(huge), corpus[1]]
    # its 3 MB pass the text budget's default (max_text_mb, 2 MB): raised, so that the timeout is what stops it
    result = convert(inputs, tmp_path / "out", engine="local", workers=2, timeout=8, max_text_mb=8)
    manifest = read_jsonl(tmp_path / "out/manifest.jsonl")
    assert [m["source"] for m in manifest] == inputs
    assert manifest[1]["status"] == "failed" and codes(manifest[1]) == ["timed_out"]
    assert str(huge) in manifest[1]["error"]  # the message names the file
    assert manifest[0]["status"] != "failed" and manifest[2]["status"] != "failed"
    assert result.failed == 1


def test_parquet_round_trip(serial_out):
    import pandas as pd
    import pyarrow.parquet as pq

    from jixiao.output.tabular import parquet_schema

    assert pq.read_schema(serial_out / "records.parquet").remove_metadata() == parquet_schema().remove_metadata()
    rows = pq.read_table(serial_out / "records.parquet").to_pylist()
    records = read_jsonl(serial_out / "records.jsonl")
    assert len(rows) == len(records) == len(pd.read_parquet(serial_out / "records.parquet"))
    for row, record in zip(rows, records):
        for key in ("filing", "source", "year", "row", "level3", "explanation", "scoring_rule", "remark",
                    "needs_review"):
            assert row[key] == record[key]
        assert json.loads(row["fields"]) == record["fields"]
        assert row["score"] == (None if record["score"] is None else float(record["score"]))


def test_xlsx_round_trip(serial_out):
    import openpyxl

    from jixiao.output.tabular import FLAGGED_FILL, XLSX_COLUMNS, flagged_fields

    sheet = openpyxl.load_workbook(serial_out / "records.xlsx").active
    assert [c.value for c in sheet[1]] == [title for _, title, _ in XLSX_COLUMNS]
    assert sheet.freeze_panes == "A2"
    records = read_jsonl(serial_out / "records.jsonl")
    keys = [key for key, _, _ in XLSX_COLUMNS]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(records)
    flagged_seen = 0
    for cells, record in zip(rows, records):
        by_key = dict(zip(keys, cells))
        for key in ("level3", "explanation", "scoring_rule", "department", "row"):
            assert by_key[key].value == record[key]
        for name in flagged_fields(record):
            if name in by_key:
                cell = by_key[name]
                assert cell.fill.start_color.rgb.endswith(FLAGGED_FILL)
                assert cell.comment is not None and record["fields"][name]["raw"] in cell.comment.text
                flagged_seen += 1
    assert flagged_seen > 0


def test_cli_log_json_gives_progress_and_summary(corpus, tmp_path):
    run = subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", "convert", *corpus[:3], "-o",
                          str(tmp_path / "out"), "--engine", "serial", "--no-memory", "--log-json"],
                         capture_output=True, text=True)
    events = [json.loads(line) for line in run.stdout.splitlines()]
    phases = {e["phase"] for e in events if e["event"] == "progress"}
    assert phases == {"extract", "repair"}
    assert events[-1]["event"] == "summary" and events[-1]["inputs"] == 3
    assert all(e["done"] <= e["total"] == 3 for e in events if e["event"] == "progress")
    assert {(e["phase"], e["done"]) for e in events if e["event"] == "progress"} >= {("extract", 3), ("repair", 3)}
