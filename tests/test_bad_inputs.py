"""The bad-input corpus (tests/bad_inputs.py) as one batch: every case ends with its expected status
and a message naming the file; the good filing beside them converts; every output line validates."""

from __future__ import annotations

import csv
import io

import pytest

from jixiao.model import ErrorCode
from jixiao.output import schemas
from jixiao.output.safety import csv_safe, runs_as_formula
from jixiao.pipeline import convert

import bad_inputs
from helpers import SEED, codes, read_jsonl

FORMATS = ("jsonl", "csv", "parquet", "xlsx")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    paths = bad_inputs.build(folder / "in")
    walked = bad_inputs.build_walked(folder / "in")
    inputs = [str(SEED), *(str(paths[c.name]) for c in bad_inputs.CASES), str(folder / "in" / "missing.pdf")]
    out = folder / "out"
    # validate=True is the default: every line was checked on the way
    convert([*inputs, str(folder / "in" / bad_inputs.WALKED)], out, formats=FORMATS)
    manifest = {m["source"]: m for m in read_jsonl(out / "manifest.jsonl")}
    # one line per input, in order (the walked folder's entries in name order): nothing lost
    assert list(manifest) == inputs + sorted(map(bad_inputs.manifest_key, walked.values()))
    return {**paths, **walked}, manifest, out


ALL_CASES = (*bad_inputs.CASES, *bad_inputs.FOLDER_CASES)


@pytest.mark.parametrize("case", ALL_CASES, ids=[ascii(c.name) for c in ALL_CASES])
def test_case_has_expected_status_and_code(batch, case):
    paths, manifest, _ = batch
    problem = bad_inputs.check(case, manifest[bad_inputs.manifest_key(paths[case.name])])
    assert problem is None, f"{case.name}: {problem}"


def test_good_filing_and_missing_path(batch):
    _, manifest, _ = batch
    assert manifest[str(SEED)]["status"] == "ok" and manifest[str(SEED)]["records"] == 14
    missing = next(m for source, m in manifest.items() if source.endswith("missing.pdf"))
    assert missing["status"] == "failed" and codes(missing) == ["no_such_file"]


@pytest.mark.parametrize("name, schema", [("records.jsonl", "record"), ("filings.jsonl", "filing"),
                                          ("manifest.jsonl", "manifest"), ("review.jsonl", "review")])
def test_every_line_validates_with_jsonschema(batch, name, schema):
    """The reference validator (jsonschema), not the writer's fast one, over PDF, text and failed inputs."""
    _, _, out = batch
    lines = read_jsonl(out / name)
    assert lines
    validator = schemas.validator(schema)
    for line in lines:
        validator.validate(line)
    if name == "manifest.jsonl":
        assert {line["status"] for line in lines} == {"ok", "partial", "failed"}


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydantic warns about the bad value we plant
def test_writer_refuses_an_invalid_line(tmp_path):
    from jixiao.output.writers import OutputWriter
    from jixiao.model import FilingStatus, ManifestEntry

    (tmp_path / "manifest.jsonl").write_text("old\n")
    entry = ManifestEntry(source="x.txt", filing=None, status=FilingStatus.OK)
    entry.records = "lots"  # no validation on assignment: exactly the bug the schema must catch
    with pytest.raises(ValueError) as refused:  # a ValueError, as it was, and coded
        with OutputWriter(tmp_path) as writer:
            writer.add(entry)
    assert refused.value.code is ErrorCode.INVALID_OUTPUT_LINE
    assert (tmp_path / "manifest.jsonl").read_text() == "old\n"  # the old output stays whole


# ---- spreadsheet safety (output/safety.py) ----

@pytest.mark.parametrize("value, neutralised", [
    ("=SUM(A1)", True), ("+cmd|' /C calc'!A0", True), ("-2+3", True), ("@SUM(1)", True),
    ("\t=1", True), ("\r=1", True), ("＝HYPERLINK()", True), ("＠x", True),
    ("=", False), ("-", False), ("-5", False), ("+3.5", False), ("-10%", False), ("≥", False),
    ("提高防灾减灾能力", False), (None, False), (5, False),
])
def test_formula_rule(value, neutralised):
    assert runs_as_formula(value) is neutralised
    assert csv_safe(value) == ("'" + value if neutralised else value)


def test_formula_cells_are_neutralised_in_csv_and_xlsx_only(batch):
    import openpyxl
    import pyarrow.parquet as pq

    paths, _, out = batch
    source = str(paths["formula-cells.txt"])
    records = [r for r in read_jsonl(out / "records.jsonl") if r["source"] == source]
    first = records[:len(bad_inputs.FORMULA_CELLS)]
    assert [r["fields"]["explanation"]["raw"] for r in first] == list(bad_inputs.FORMULA_CELLS)
    payloads = [r["explanation"] for r in first]  # JSON: the value unchanged by the writer
    assert all(p[0] in "=+-@" for p in payloads)
    operators = {r["operator"] for r in records}
    assert "=" in operators

    csv.field_size_limit(1 << 24)  # the long-cell case's 200,000 characters
    rows = [r for r in csv.DictReader(io.StringIO((out / "records.csv").read_text(encoding="utf-8-sig")))
            if r["source"] == source]
    assert [r["explanation"] for r in rows[:4]] == ["'" + p for p in payloads]
    assert "=" in {r["operator"] for r in rows}  # a lone "=" cannot run: written and read as "="
    for row in rows:  # no cell of the whole CSV can start a formula
        assert not any(runs_as_formula(value) for value in row.values())

    parquet = [r for r in pq.read_table(out / "records.parquet").to_pylist() if r["source"] == source]
    assert [r["explanation"] for r in parquet[:4]] == payloads
    assert "=" in {r["operator"] for r in parquet}

    sheet = openpyxl.load_workbook(out / "records.xlsx").active
    header = [c.value for c in sheet[1]]
    col_explanation, col_operator, col_source = (header.index(t) for t in ("指标解释", "指标值类型", "来源文件"))
    cells = [row for row in sheet.iter_rows(min_row=2) if row[col_source].value == source]
    for row, payload in zip(cells, payloads):
        cell = row[col_explanation]
        assert cell.value == payload and cell.data_type == "s" and cell.quotePrefix  # text, shown as is
    operator_cells = [row[col_operator] for row in cells if row[col_operator].value == "="]
    assert operator_cells and all(c.data_type == "s" for c in operator_cells)
    for row in sheet.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)  # no formula anywhere in the workbook
        assert all(len(c.value) <= 32_767 for c in row if isinstance(c.value, str))  # Excel's cell limit


def test_page_cap_skips_with_a_warning(tmp_path, monkeypatch):
    """Text-layer PDFs too: pages past JIXIAO_MAX_PAGES are skipped, and the manifest says which."""
    from helpers import SAMPLES

    pdf = SAMPLES / "generated" / "hengyang-yingji-2022.pdf"  # 5 pages, the table on pages 3-5
    monkeypatch.setenv("JIXIAO_MAX_PAGES", "4")
    (entry,) = convert([str(pdf)]).manifest
    assert entry.status.value == "partial"  # the scoring fragment is on page 5
    assert "pages_capped" in codes(entry) and [p["page"] for p in entry.pages] == [1, 2, 3, 4]
    monkeypatch.setenv("JIXIAO_MAX_PAGES", "2")
    (entry,) = convert([str(pdf)]).manifest
    assert entry.status.value == "failed" and codes(entry) == ["pages_capped"]


def test_a_huge_page_count_is_not_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    path.write_bytes(bad_inputs.many_pages(3000)())
    monkeypatch.setenv("JIXIAO_MAX_PAGES", "50")
    import jixiao.extractors.pdf as pdf

    seen = []
    real = pdf.text_layer_usable
    monkeypatch.setattr(pdf, "text_layer_usable", lambda text: seen.append(1) or real(text))
    (entry,) = convert([str(path)]).manifest
    assert len(seen) == 50 and codes(entry) == ["pages_capped"]


def test_local_engine_limits_a_pathological_input(tmp_path, monkeypatch):
    """The local engine's per-file memory limit stops the flate bomb when its guard is lifted
    (timeouts of the local engine: tests/test_batch.py's hanging input)."""
    paths = bad_inputs.build(tmp_path / "in", [c for c in bad_inputs.CASES if c.name == "flate-bomb.pdf"])
    monkeypatch.setenv("JIXIAO_MAX_INFLATED_MB", str(1 << 20))  # no guard: pdfium inflates it all
    inputs = [str(SEED), str(paths["flate-bomb.pdf"])]
    # The cap is what a worker needs plus 256 MB, below the bomb's 400 MB. A fixed 600 MB was within a
    # few MB of a phase-2 worker's address space (~608 MB here), so one more import or thread made
    # every worker die at setup and the test fail on some machines.
    from batch_tasks import phase2_worker_address_space

    limit = phase2_worker_address_space() + (256 << 20)
    result = convert(inputs, tmp_path / "out", engine="local", workers=1, memory_limit=limit, timeout=60)
    manifest = read_jsonl(tmp_path / "out/manifest.jsonl")
    assert manifest[0]["status"] == "ok"
    assert manifest[1]["status"] == "failed" and inputs[1] in manifest[1]["error"]
    assert codes(manifest[1]) in (["out_of_memory"], ["worker_died"]), manifest[1]["error"]
    assert result.failed == 1
