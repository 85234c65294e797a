"""The vocabulary as data (jixiao/layout/vocabulary.toml, `--vocabulary FILE`, `JIXIAO_VOCABULARY`):
a file of the built-in form adds names, is checked before any work (file, line, problem), travels
with the tasks to every engine, and is named with its digest in the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.layout import vocabulary
from jixiao.layout.vocabulary_file import BUILTIN_PATH, VocabularyError, builtin, load_file, parse
from jixiao.model import ErrorCode
from jixiao.pipeline import convert
from jixiao.pipeline.cli import main as cli_main

EXAMPLE = """[headers]          # more header names for a field
level3 = ["指标"]
score = ["指标权重"]
target = ["预期达到目标"]
[levels]           # more 一级 / 二级 names
level1 = ["产出类指标", "效益类指标", "满意度类指标", "管理类指标"]
[units]
names = ["人次/年"]
"""

# 考核目标数 is a header no built-in vocabulary knows
TABLE = """2023年部门整体支出绩效目标表
部门名称：某某县民政局
| 一级指标 | 二级指标 | 三级指标 | 考核目标数 | 分值 |
| 产出指标 | 数量指标 | 救助人数 | 500 | 20 |
| 产出指标 | 质量指标 | 资金发放及时率 | 100 | 20 |
| 满意度指标 | 服务对象满意度指标 | 群众满意度 | 90 | 10 |
"""


def test_the_builtin_vocabulary_is_a_file_of_the_users_form():
    data = parse(BUILTIN_PATH.read_text(encoding="utf-8"), str(BUILTIN_PATH))
    assert set(data) >= {"headers", "levels", "units"}
    assert "指标值" in builtin().headers["target"] and "产出指标" in builtin().taxonomy


def test_a_users_file_adds_names_and_changes_the_digest(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    extended = load_file(path)
    assert "预期达到目标" in extended.headers["target"] and "指标值" in extended.headers["target"]
    assert "管理类指标" in extended.level1 and "人次/年" in extended.units
    assert extended.digest != builtin().digest and extended.files[0][0] == str(path)


@pytest.mark.parametrize("text, line, words", [
    ("[headers]\nlevel9 = [\"x\"]\n", 2, "unknown key 'level9' in [headers]; keys allowed: level1"),
    ("[header]\nlevel3 = [\"x\"]\n", 1, "unknown section [header]; sections are: headers"),
    ("[headers]\nlevel3 = \"指标\"\n", 2, "must be a list of names"),
    ("[headers\nlevel3 = [\"x\"]\n", 1, "not valid TOML"),
    ("[operators]\n\"≧\" = \"大于\"\n", 2, "must be one of"),
])
def test_a_bad_file_is_refused_naming_the_line_and_the_problem(tmp_path, text, line, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as raised:
        load_file(path)
    assert raised.value.code is ErrorCode.BAD_VOCABULARY
    assert raised.value.line == line and raised.value.path == str(path)
    assert words in raised.value.problem


def test_a_bad_file_exits_2_before_any_work(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[headers]\nlevel9 = [\"x\"]\n", encoding="utf-8")
    source = tmp_path / "t.txt"
    source.write_text(TABLE, encoding="utf-8")
    status = cli_main(["convert", str(source), "-o", str(tmp_path / "out"), "--vocabulary", str(bad),
                       "--no-memory", "-q"])
    assert status == 2 and not (tmp_path / "out" / "manifest.jsonl").exists()
    assert f"vocabulary file {bad}, line 2" in capsys.readouterr().err


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def _target_column(out: Path) -> dict:
    filing = json.loads((out / "filings.jsonl").read_text(encoding="utf-8"))
    return filing["report"]["tables"][0]["columns"][3]


def test_the_word_or_the_cells_name_the_column_and_the_records_are_the_same(tmp_path):
    """Without the file the cells say 考核目标数 holds the targets; with it, the header says so."""
    source = tmp_path / "t.txt"
    source.write_text(TABLE, encoding="utf-8")
    path = tmp_path / "v.toml"
    path.write_text('[headers]\ntarget = ["考核目标数"]\n', encoding="utf-8")
    convert([str(source)], tmp_path / "plain", memory=None, cache=False)
    convert([str(source)], tmp_path / "taught", memory=None, cache=False, vocabulary=[path])
    assert _target_column(tmp_path / "plain")["decided_by"] == "cells"
    assert _target_column(tmp_path / "taught")["decided_by"] == "header+cells"
    assert (tmp_path / "plain" / "records.jsonl").read_bytes() == (tmp_path / "taught" / "records.jsonl").read_bytes()


@pytest.mark.parametrize("engine", ["serial", "local", "dask"])
def test_a_vocabulary_file_reaches_every_engine(tmp_path, engine):
    path = tmp_path / "v.toml"
    path.write_text('[headers]\ntarget = ["考核目标数"]\n', encoding="utf-8")
    source = tmp_path / "t.txt"
    source.write_text(TABLE, encoding="utf-8")
    out = tmp_path / engine
    result = convert([str(source)], out, memory=None, cache=False, engine=engine, workers=1, vocabulary=[path])
    assert result.manifest[0].status.value == "ok"
    assert [(r["level3"], r["target"], r["score"]) for r in _records(out)] == [
        ("救助人数", "500", 20), ("资金发放及时率", "100", 20), ("群众满意度", "90", 10)]
    manifest = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8"))
    assert manifest["vocabulary"]["files"][0]["path"] == str(path)


def test_a_name_added_in_python_reaches_the_pool_workers(tmp_path):
    source = tmp_path / "t.txt"
    source.write_text(TABLE, encoding="utf-8")
    try:
        vocabulary.extend_headers("target", "考核目标数")
        result = convert([str(source)], tmp_path / "out", memory=None, cache=False, engine="local", workers=1)
    finally:
        vocabulary.set_default(None)
    assert result.manifest[0].status.value == "ok" and len(result.records) == 3


def test_the_engines_give_identical_records_with_a_changed_vocabulary(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    source = tmp_path / "a.txt"
    source.write_text("| 指标 | 指标权重 | 计量单位 | 指标性质 | 指标值 |\n| 救助人数 | 20 | 人次/年 | ≥ | 500 |\n"
                      "| 资金发放及时率 | 20 | % | = | 100 |\n| 群众满意度 | 10 | % | ≥ | 90 |\n", encoding="utf-8")
    outputs = []
    for engine in ("serial", "local", "dask"):
        out = tmp_path / engine
        convert([str(source)], out, memory=None, cache=False, engine=engine, workers=1, vocabulary=[path])
        outputs.append((out / "records.jsonl").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2] and outputs[0]
