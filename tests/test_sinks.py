"""One output path (issue 11, item 5): every records file comes from a registered sink, in convert and export."""

from __future__ import annotations

import json

import pytest

from jixiao.output.sinks import SINKS, Sink, UnknownFormatError, check_formats
from jixiao.pipeline import convert
from jixiao.pipeline.cli import build_parser, main

from helpers import read_jsonl
from jixiao.model import ErrorCode
from review_helpers import BATCH_INPUTS, ROOT, Clerk

EDIT = "按时完成得5分，逾期一月扣1分"


def test_the_registry_holds_the_four_formats_and_every_sink_meets_the_protocol(tmp_path):
    import contextlib

    assert {"jsonl", "csv", "parquet", "xlsx"} <= set(SINKS)
    with contextlib.ExitStack() as stack:
        for fmt in SINKS.values():
            assert isinstance(fmt.open(tmp_path, stack), Sink), fmt.name
            assert fmt.description
    assert check_formats(["CSV", " xlsx", "csv"]) == ("jsonl", "csv", "xlsx")


def test_the_api_rejects_an_unknown_format_by_name(tmp_path):
    with pytest.raises(ValueError) as caught:  # an OptionsError: a ValueError naming the option
        convert([str(ROOT / BATCH_INPUTS[0])], tmp_path / "out", formats=("jsonl", "pdf"))
    (bad,) = caught.value.bad
    assert bad.name == "formats" and bad.allowed.split(", ") == list(SINKS)
    assert not (tmp_path / "out").exists()  # refused before anything was written
    with pytest.raises(UnknownFormatError) as unknown:
        check_formats(["jsonl", "pdf"])
    assert unknown.value.code is ErrorCode.UNKNOWN_OUTPUT_FORMAT
    assert unknown.value.unknown == ("pdf",) and unknown.value.known == tuple(SINKS)


def test_cli_format_choices_come_from_the_registry(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["convert", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(name in help_text for name in SINKS)
    with pytest.raises(SystemExit) as usage:
        main(["convert", "x.txt", "-o", "out", "--format", "pdf"])
    assert usage.value.code == 2 and capsys.readouterr().err  # a usage error, said on stderr


def _xlsx_texts(path) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for cell in row if cell is not None]


def test_export_rewrites_every_recorded_format_with_a_clerks_edit(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from jixiao.review.app import create_app

    monkeypatch.chdir(ROOT)
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    assert main(["convert", *BATCH_INPUTS, "-o", str(out), "--format", "jsonl,csv,parquet,xlsx",
                 "--engine", "serial", "--no-memory", "--quiet"]) == 0
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["formats"] == \
        ["jsonl", "csv", "parquet", "xlsx"]
    clerk = Clerk(create_app(out, memory=memory, reviewer="anna", source_roots=[ROOT]))
    item = next(i for i in clerk.items(status="open")["items"] if i["row"] is not None and i["kind"] == "scoring_rule")
    assert clerk.decide(item["id"], "edit", value=EDIT).status_code == 200
    for name in ("records.jsonl", "records.csv"):
        assert EDIT not in (out / name).read_text(encoding="utf-8-sig")

    assert main(["export", str(out), "--memory", str(memory)]) == 0

    record = next(r for r in read_jsonl(out / "records.jsonl")
                  if r["filing"] == item["filing"] and r["row"] == item["row"])
    assert record["scoring_rule"] == EDIT and record["fields"]["scoring_rule"]["status"] == "edited"
    assert EDIT in (out / "records.csv").read_text(encoding="utf-8-sig")
    table = pq.read_table(out / "records.parquet").to_pylist()
    row = next(r for r in table if r["filing"] == item["filing"] and r["row"] == item["row"])
    assert row["scoring_rule"] == EDIT and json.loads(row["fields"])["scoring_rule"]["status"] == "edited"
    assert EDIT in _xlsx_texts(out / "records.xlsx")
    # the same number of records in every file
    assert len(table) == len(read_jsonl(out / "records.jsonl"))


def test_export_of_a_batch_without_batch_json_keeps_to_the_files_it_has(tmp_path, monkeypatch):
    from jixiao.output.writers import BATCH_FILE, recorded_formats

    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    convert(BATCH_INPUTS[:1], out, formats=("jsonl", "csv", "xlsx"))
    assert recorded_formats(out) == ("jsonl", "csv", "xlsx")
    (out / BATCH_FILE).unlink()  # a folder written before batch.json existed
    assert recorded_formats(out) == ("jsonl", "csv", "xlsx")
    (out / "records.xlsx").unlink()
    assert recorded_formats(out) == ("jsonl", "csv")
