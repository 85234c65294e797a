"""Learned layouts in the repair memory (issue 19): stored append-only with undo, whole or absent after a
kill during saving, used by the next convert on every engine, a witness and not an override, and
nothing learned or used with --no-memory."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jixiao.model import LearnedLayout
from jixiao.pipeline import convert
from jixiao.pipeline.cli import main as cli_main
from jixiao.reader import learned
from jixiao.repair.layouts import LayoutConflict, UnknownLayout
from jixiao.repair.memory import RepairMemory

from helpers import read_jsonl

CLI = [sys.executable, "-m", "jixiao.pipeline.cli"]

# a header the vocabulary cannot read: 名目 (the 一级 groups) and 考核数 (the value) name no field
TAUGHT = """| 名目 | 二级指标 | 三级指标 | 考核数 | 分值 |
| 产出指标 | 数量指标 | 培训人次 | 500 | 10 |
| 产出指标 | 质量指标 | 验收合格率 | 100 | 10 |
| 效益指标 | 社会效益指标 | 群众知晓率 | 90 | 10 |
"""
HEADER = ["名目", "二级指标", "三级指标", "考核数", "分值"]


def _layout(**changes) -> LearnedLayout:
    values = {"signature": learned.signature(HEADER), "name": "taught.txt", "roles": {0: "level1", 3: "target"}}
    return LearnedLayout(**{**values, **changes})


@pytest.fixture
def store(tmp_path):
    memory = RepairMemory(tmp_path / "memory.sqlite")
    yield memory.layouts()
    memory.close()


# ------------------------------------------------------------------ storage: history, undo, conflicts

def test_a_taught_layout_is_in_force_with_its_reviewer_and_time(store):
    saved = store.teach(_layout(), "clerk-a")
    assert saved.reviewer == "clerk-a" and saved.decided_at
    assert store.in_force() == [saved]
    assert store.get(saved.signature) == saved
    assert store.find("taught.txt") == saved


def test_teaching_a_header_again_replaces_it_and_the_history_keeps_both(store):
    store.teach(_layout(), "clerk-a")
    second = store.teach(_layout(roles={0: "level1", 3: "target", 4: None}), "clerk-b")
    assert store.in_force() == [second]
    assert [(e.action, e.reviewer) for e in store.history()] == [("teach", "clerk-a"), ("teach", "clerk-b")]


def test_undo_brings_back_what_stood_before(store):
    first = store.teach(_layout(), "clerk-a")
    store.teach(_layout(roles={0: "level1"}), "clerk-a")
    assert store.undo("clerk-a").roles == {0: "level1"}
    assert store.in_force() == [first]
    assert store.undo("clerk-a").roles == {0: "level1", 3: "target"}
    assert store.in_force() == []
    assert store.undo("clerk-a") is None  # nothing left to take back
    # append-only: two teaches and two undos, nothing deleted
    assert [e.action for e in store.history()] == ["teach", "teach", "undo", "undo"]


def test_forget_takes_a_layout_out_of_force_and_undo_restores_it(store):
    saved = store.teach(_layout(), "clerk-a")
    store.forget("taught.txt", "clerk-b")
    assert store.in_force() == []
    store.undo("clerk-b")
    assert store.in_force() == [saved]
    with pytest.raises(UnknownLayout, match="no learned layout"):
        store.forget("no such layout", "clerk-b")


def test_a_save_over_a_colleagues_newer_layout_is_a_conflict_and_writes_nothing(store):
    store.teach(_layout(), "clerk-a")
    seen = store.version(_layout().signature)
    store.teach(_layout(roles={0: "level1"}), "clerk-b")
    with pytest.raises(LayoutConflict, match="changed since it was shown"):
        store.teach(_layout(roles={0: None}), "clerk-a", expected_version=seen)
    assert store.get(_layout().signature).roles == {0: "level1"}
    with pytest.raises(LayoutConflict):  # clerk-a's undo would throw clerk-b's layout away
        store.undo("clerk-a")


def test_a_save_that_fails_half_way_leaves_nothing(store, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_check", broken)
    with pytest.raises(sqlite3.OperationalError):
        store.teach(_layout(), "clerk-a")
    assert store.history() == [] and store.in_force() == []


SAVER = textwrap.dedent("""
    import sys
    from jixiao.model import LearnedLayout
    from jixiao.repair.memory import RepairMemory
    store = RepairMemory(sys.argv[1]).layouts()
    for k in range(100000):
        roles = {c: ("level3" if c == k % 60 else None) for c in range(60)}
        store.teach(LearnedLayout(signature=f"s{k % 7}", name=f"n{k}", roles=roles, overrides=[k % 60]), "saver")
        print(k, flush=True)
""")


@pytest.mark.parametrize("saved_before_kill", [3, 40])
def test_a_kill_while_saving_leaves_each_layout_whole_or_absent(tmp_path, saved_before_kill):
    memory = tmp_path / "memory.sqlite"
    RepairMemory(memory).close()
    child = subprocess.Popen([sys.executable, "-c", SAVER, str(memory)], stdout=subprocess.PIPE, text=True)
    for _ in range(saved_before_kill):  # wait for these saves to be committed, then kill the next one
        assert child.stdout.readline()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert cli_main(["memory", "check", "--memory", str(memory)]) == 0
    with RepairMemory(memory) as reopened:
        layouts = reopened.layouts().in_force()
        history = reopened.layouts().history()
    assert len(history) >= saved_before_kill
    for entry in history:  # every row is one whole save: all 60 roles, its one override
        assert len(entry.roles) == 60 and entry.overrides == [int(entry.name[1:]) % 60]
        assert entry.roles[entry.overrides[0]] == "level3"
    assert {layout.signature for layout in layouts} <= {f"s{k}" for k in range(7)}


def test_memory_check_passes_and_counts_the_layouts(tmp_path, capsys):
    memory = tmp_path / "memory.sqlite"
    with RepairMemory(memory) as store:
        store.layouts().teach(_layout(), "clerk-a")
    assert cli_main(["memory", "check", "--memory", str(memory)]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["layouts"] == 1 and state["schemas"]["layouts"] == 1


# ------------------------------------------------------------------ convert uses them; --no-memory does not

def _taught_memory(tmp_path, layout: LearnedLayout) -> Path:
    memory = tmp_path / "memory.sqlite"
    with RepairMemory(memory) as store:
        store.layouts().teach(layout, "clerk-a")
    return memory


def _source(tmp_path) -> Path:
    source = tmp_path / "taught.txt"
    source.write_text(TAUGHT, encoding="utf-8")
    return source


@pytest.mark.parametrize("engine", ["serial", "local", "dask"])
def test_the_next_convert_reads_a_taught_header_and_says_so(tmp_path, engine):
    memory = _taught_memory(tmp_path, _layout())
    out = tmp_path / "out"
    result = convert([str(_source(tmp_path))], out, memory=memory, engine=engine, workers=1)
    assert result.failed == 0
    records = read_jsonl(out / "records.jsonl")
    assert [(r["level1"], r["level2"], r["level3"], r["target"], r["score"]) for r in records] == [
        ("产出指标", "数量指标", "培训人次", "500", 10.0), ("产出指标", "质量指标", "验收合格率", "100", 10.0),
        ("效益指标", "社会效益指标", "群众知晓率", "90", 10.0)]
    columns = read_jsonl(out / "filings.jsonl")[0]["report"]["tables"][0]["columns"]
    assert (columns[0]["decided_by"], columns[3]["decided_by"]) == ("learned", "learned")
    assert "taught.txt" in columns[0]["note"]


def test_a_convert_with_a_memory_nobody_taught_adds_no_layouts_table(tmp_path):
    memory = tmp_path / "memory.sqlite"
    convert([str(_source(tmp_path))], tmp_path / "out", memory=memory)
    conn = sqlite3.connect(memory)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "learned_layouts" not in tables


def test_no_memory_learns_and_uses_nothing(tmp_path):
    memory = _taught_memory(tmp_path, _layout())
    before = memory.read_bytes()
    out = tmp_path / "out"
    status = cli_main(["convert", str(_source(tmp_path)), "-o", str(out), "--no-memory", "--memory", str(memory),
                       "-q", "--engine", "serial"])
    assert status == 0  # read by the header and the cells alone: the taught layout is not used
    columns = read_jsonl(out / "filings.jsonl")[0]["report"]["tables"][0]["columns"]
    assert "learned" not in {c["decided_by"] for c in columns} and columns[0]["decided_by"] == "cells"
    manifest = read_jsonl(out / "manifest.jsonl")[0]
    assert "memory" not in manifest
    assert memory.read_bytes() == before
    # and without a memory at all, the default memory is never created
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "JIXIAO_MEMORY": str(home / "m.sqlite")}
    subprocess.run([*CLI, "convert", str(_source(tmp_path)), "-o", str(tmp_path / "o2"), "--no-memory", "-q"],
                   env=env, check=False)
    assert not (home / "m.sqlite").exists()


def test_a_learned_role_never_replaces_a_column_the_header_names_unless_overridden(tmp_path):
    # the clerk's layout says 二级指标 is the 三级 and 三级指标 no field: the header is sure of both
    contrary = _layout(roles={0: "level1", 1: "level3", 2: None, 3: "target"})
    out = tmp_path / "out"
    convert([str(_source(tmp_path))], out, memory=_taught_memory(tmp_path, contrary))
    columns = read_jsonl(out / "filings.jsonl")[0]["report"]["tables"][0]["columns"]
    assert [c["role"] for c in columns] == ["level1", "level2", "level3", "target", "score"]
    for k in (1, 2):  # the conflict is reported on the column, not resolved silently
        assert columns[k]["decided_by"] != "learned"
        assert "learned layout 'taught.txt' says" in columns[k]["note"] and "kept" in columns[k]["note"]
    assert [r["level3"] for r in read_jsonl(out / "records.jsonl")] == ["培训人次", "验收合格率", "群众知晓率"]


def test_a_clerks_override_of_a_column_wins_over_its_header(tmp_path):
    # the 分值 column holds no score in this template: the clerk overrode that column, and only that one
    layout = _layout(roles={0: "level1", 1: "level3", 3: "target", 4: None}, overrides=[4])
    out = tmp_path / "out"
    convert([str(_source(tmp_path))], out, memory=_taught_memory(tmp_path, layout))
    columns = read_jsonl(out / "filings.jsonl")[0]["report"]["tables"][0]["columns"]
    assert (columns[4]["role"], columns[4]["decided_by"]) == (None, "learned")
    assert columns[1]["role"] == "level2"  # not overridden: the header's role stands
    assert [r["score"] for r in read_jsonl(out / "records.jsonl")] == [None, None, None]


def test_a_layout_naming_an_unknown_role_is_refused_when_taught(store):
    with pytest.raises(ValueError, match="unknown role 'budget'.*level1"):
        store.teach(_layout(roles={0: "budget"}), "clerk-a")


# ------------------------------------------------------------------ jixiao layouts list | show | forget

def test_the_layouts_command_lists_shows_forgets_and_undoes(tmp_path, capsys, monkeypatch):
    memory = _taught_memory(tmp_path, _layout())
    monkeypatch.setenv("JIXIAO_MEMORY", str(memory))  # like the other memory commands
    assert cli_main(["layouts", "list"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("taught.txt\tclerk-a\t") and "0→一级指标, 3→指标值" in line
    assert cli_main(["layouts", "show", "taught.txt", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["layout"]["roles"] == {"0": "level1", "3": "target"}
    assert [e["action"] for e in shown["history"]] == ["teach"]
    assert cli_main(["layouts", "forget", learned.signature(HEADER), "--reviewer", "clerk-b"]) == 0
    assert cli_main(["layouts", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == []
    assert cli_main(["layouts", "undo", "--reviewer", "clerk-b"]) == 0
    assert cli_main(["layouts", "list", "--json", "--memory", str(memory)]) == 0
    assert [x["name"] for x in json.loads(capsys.readouterr().out.splitlines()[-1])] == ["taught.txt"]


def test_the_layouts_command_names_the_file_and_what_is_wrong(tmp_path, capsys):
    missing = tmp_path / "none.sqlite"
    assert cli_main(["layouts", "list", "--memory", str(missing)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
    assert not missing.exists()  # a listing never creates a memory
    memory = _taught_memory(tmp_path, _layout())
    assert cli_main(["layouts", "forget", "nothing-like-it", "--memory", str(memory)]) == 1
    assert "no learned layout has the name or signature 'nothing-like-it'" in capsys.readouterr().err
