"""``jixiao inspect FILE``: what each step of reading made of any input, for a person or as JSON."""

from __future__ import annotations

import json

from jixiao.pipeline.cli import main as cli_main

from test_reader import NAMELESS_FIGURE


def _inspect(capsys, *args: str) -> tuple[int, str]:
    status = cli_main(["inspect", *args])
    return status, capsys.readouterr().out


def test_a_text_dump_shows_its_form_scores_header_roles_rows_and_dropped_lines(tmp_path, capsys):
    source = tmp_path / "nameless.txt"
    source.write_text(NAMELESS_FIGURE, encoding="utf-8")
    status, out = _inspect(capsys, str(source), "--json")
    found = json.loads(out)
    assert status == 0 and found["extractor"] == "text"
    grid = found["grids"][0]
    assert grid["form"] == "pipe" and max(grid["form_scores"], key=grid["form_scores"].get) == "pipe"
    table = found["report"]["tables"][0]
    assert table["header_line"] == 2 and [c["role"] for c in table["columns"]][:3] == ["level1", "level2", "level3"]
    assert [(d["line"], d["reason"]) for d in table["rows_dropped"]] == [(4, "no_name")]
    assert [row["level3"] for row in found["first_rows"]] == ["培训人次", "群众知晓率"]
    assert "rows_dropped" in [e["code"] for e in found["errors"]]


def test_the_printed_steps_name_the_form_the_roles_and_the_dropped_line(tmp_path, capsys):
    source = tmp_path / "nameless.txt"
    source.write_text(NAMELESS_FIGURE, encoding="utf-8")
    status, out = _inspect(capsys, str(source))
    assert status == 0
    assert "form pipe" in out and "form scores: pipe" in out
    assert "header+cells" in out and "dropped line 4 (no_name)" in out and "rows read: 2" in out


def test_a_file_not_read_says_which_step_failed_and_why(tmp_path, capsys):
    source = tmp_path / "notes.txt"
    source.write_text("会议纪要\n今天讨论了绩效工作。\n", encoding="utf-8")
    status, out = _inspect(capsys, str(source), "--json")
    found = json.loads(out)
    assert status == 1 and found["failed"]["step"] == "read" and found["failed"]["code"]
    assert "notes.txt" in found["failed"]["message"] and found["grids"]  # what was seen is kept
    status, out = _inspect(capsys, str(tmp_path / "gone.txt"), "--json")
    assert status == 1 and json.loads(out)["failed"]["code"] == "no_such_file"


def test_the_text_form_named_is_the_one_read(tmp_path, capsys):
    source = tmp_path / "nameless.txt"
    source.write_text(NAMELESS_FIGURE, encoding="utf-8")
    _, out = _inspect(capsys, str(source), "--json", "--text-form", "spaced")
    assert json.loads(out)["grids"][0]["form"] == "spaced"
    assert cli_main(["inspect", str(source), "--text-form", "nosuch"]) == 2
    assert "nosuch" in capsys.readouterr().err
