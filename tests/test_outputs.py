"""The output contract: files, schemas, CSV encoding, atomic writes."""

from __future__ import annotations

import csv
import io

import pytest

from jixiao.output import schemas
from jixiao.output.atomic import atomic_writer
from jixiao.pipeline import convert

from helpers import SEED, read_jsonl


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    convert([str(SEED)], out)
    return out


def test_every_output_file_exists(out):
    for name in ("records.jsonl", "filings.jsonl", "records.csv", "manifest.jsonl", "review.jsonl",
                 "schemas/record.schema.json", "schemas/filing.schema.json"):
        assert (out / name).is_file(), name


@pytest.mark.parametrize("name, schema", [("records.jsonl", "record"), ("filings.jsonl", "filing"),
                                          ("manifest.jsonl", "manifest"), ("review.jsonl", "review")])
def test_lines_validate_against_shipped_schema(out, name, schema):
    validator = schemas.validator(schema)
    lines = read_jsonl(out / name)
    assert lines
    for line in lines:
        validator.validate(line)


def test_shipped_schemas_are_current():
    for name in schemas.MODELS:
        assert schemas.schema_path(name).read_text(encoding="utf-8") == schemas.dump(name), (
            f"{name}.schema.json is stale: run `make schemas`")


def test_record_has_contract_fields(out):
    record = read_jsonl(out / "records.jsonl")[0]
    for key in ("filing", "source", "department", "year", "row", "level1", "level2", "level3", "operator",
                "target", "unit", "explanation", "scoring_rule", "remark", "score", "needs_review", "fields"):
        assert key in record
    for field in record["fields"].values():
        assert {"raw", "status", "confidence", "evidence"} <= set(field)
    filing = read_jsonl(out / "filings.jsonl")[0]
    for key in ("filing", "source", "department", "year", "duties", "goals", "status", "errors", "needs_review"):
        assert key in filing
    assert "records" not in filing


def test_csv_has_bom_and_same_records(out):
    data = (out / "records.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    records = read_jsonl(out / "records.jsonl")
    assert len(rows) == len(records) == 14
    assert rows[10]["level2"] == "服务对象满意度指标" and rows[10]["score"] == "10"


def test_review_queue_is_lowest_confidence_first(out):
    confidences = [item["confidence"] for item in read_jsonl(out / "review.jsonl")]
    assert confidences == sorted(confidences)


def test_atomic_writer_keeps_old_file_on_error(tmp_path):
    target = tmp_path / "records.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write("half a new fi")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_failed_batch_keeps_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    convert([str(SEED)], out)
    before = (out / "records.jsonl").read_bytes()
    import jixiao.pipeline.runner as runner

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "repair_and_join", explode)
    with pytest.raises(KeyboardInterrupt):
        convert([str(SEED)], out, cache=False)  # with the cache, the unchanged input would not be repaired
    assert (out / "records.jsonl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
