"""Every message a user can act on (issue 23, item 11): usage errors instead of tracebacks, no
traceback in the manifest, a bounded error field, stdout kept for the summary, the right advice."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SAMPLES, SEED
from jixiao.output.folder import OutputFolderError
from jixiao.output.safety import runs_as_formula
from jixiao.output.sinks import csv_line
from jixiao.pipeline import convert

ROOT = Path(__file__).resolve().parent.parent
FORMATS = SAMPLES / "formats"


def cli(*args, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=environment, timeout=timeout)


def test_an_empty_output_folder_is_refused_by_the_api_too():
    """The CLI's `-o ""` (exit 2, nothing written in the current folder), `--memory-limit 20M` and an
    unreachable `--scheduler` are cases 11h-11j of tests/hostile_inputs.py."""
    with pytest.raises(OutputFolderError, match="the output folder is empty"):
        convert([str(SEED)], "")


def chatty_xls(path: Path) -> Path:
    """The ganzi workbook rewritten with a fill colour xlrd does not know: xlrd then prints
    ``*** xf #N : XFBackground.pattern_colour_index = 0x0050 (unknown)`` while it opens it."""
    import xlrd
    import xlwt

    source = xlrd.open_workbook(str(FORMATS / "ganzi-budget-export-2024.xls"))
    book = xlwt.Workbook(encoding="utf-8")
    style = xlwt.XFStyle()
    style.pattern = xlwt.Pattern()
    style.pattern.pattern, style.pattern.pattern_fore_colour = 1, 0x50
    for sheet in source.sheets():
        target = book.add_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                target.write(r, c, sheet.cell_value(r, c), style)
        for r0, r1, c0, c1 in sheet.merged_cells:
            target.merge(r0, r1 - 1, c0, c1 - 1)
    book.save(str(path))
    return path


@pytest.mark.parametrize("engine", ["local", "serial"])
def test_third_party_chatter_stays_out_of_stdout(tmp_path, engine):
    path = chatty_xls(tmp_path / "chatty.xls")
    run = cli("convert", str(path), "-o", str(tmp_path / "out"), "--no-memory", "--log-json", "--engine", engine)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]  # every line of stdout is JSON
    assert events[-1]["event"] == "summary" and events[-1]["records"] == 6
    assert "*** xf" not in run.stdout


# ---------------------------------------------------------------- CSV in a locale whose list separator is ";"

def test_a_field_with_a_semicolon_is_quoted_in_csv():
    line = csv_line(["ok", ";=cmd|' /C calc'!A0", "a,b", 'say "hi"', "tab\there", None, 5])
    assert line == 'ok,";=cmd|\' /C calc\'!A0","a,b","say ""hi""","tab\there",,5\r\n'
    assert next(csv.reader(io.StringIO(line))) == ["ok", ";=cmd|' /C calc'!A0", "a,b", 'say "hi"', "tab\there",
                                                   "", "5"]


def test_no_cell_runs_as_a_formula_when_excel_splits_at_semicolons(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("指标解释")) + 1
    lines[first] = "完成;=cmd|' /C calc'!A0"
    lines[first + 1] = ";@SUM(1+1)*cmd|' /C calc'!A0"
    path = tmp_path / "semicolon.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    convert([str(path)], tmp_path / "out", memory=None)
    text = (tmp_path / "out" / "records.csv").read_text(encoding="utf-8-sig")
    assert "完成;'=cmd" in text  # the piece after ";" is neutralised as a value's start is
    for delimiter in (",", ";"):  # as Excel reads it in either locale
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            assert not any(runs_as_formula(cell) for cell in row), (delimiter, row)
