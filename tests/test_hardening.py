"""Hardening round two (issue 14): file names, folders, the output folder, permissions, the repair
memory, warnings and workers. The bad-input corpus (tests/bad_inputs.py) holds the input cases; this
file the ones about the batch around them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import bad_inputs
from helpers import SEED, read_jsonl
from jixiao.pipeline import convert
from jixiao.pipeline.inputs import display_name, find_inputs, path_of

BAD_NAME = os.fsdecode(b"bad\xff\xfe.txt")
ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    """``jixiao`` as a user runs it (argv may hold bytes: names that are not UTF-8)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
                   **(env or {})}
    return subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args], capture_output=True,
                          cwd=cwd, env=environment, timeout=timeout)


# ---------------------------------------------------------------- 1. file names are data

@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b))
@settings(max_examples=300, deadline=None)
def test_display_name_is_printable_utf8_and_lossless(raw):
    path = os.fsdecode(raw)
    name = display_name(path)
    name.encode("utf-8")  # no surrogates: every output can hold it
    assert not any(c < " " or c == "\x7f" for c in name)
    assert path_of(name) == path and os.fsencode(path_of(name)) == raw


def test_display_name_leaves_ordinary_names_alone():
    assert display_name("samples/衡阳 应急.txt") == "samples/衡阳 应急.txt"
    assert display_name(BAD_NAME) == "bad\\xff\\xfe.txt"
    assert display_name("a\\xff.txt") == "a\\\\xff.txt"  # spelled out: not confused with the escape


@pytest.mark.parametrize("named, options", [("folder", []), ("folder", ["--no-cache"]),
                                            ("folder", ["--engine", "serial"]), ("directly", ["--engine", "serial"])],
                         ids=["local-engine", "no-cache", "serial", "named-directly"])
def test_a_name_that_is_not_utf8_gets_a_line_and_the_batch_goes_on(tmp_path, options, named):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(folder, BAD_NAME)
    Path(bad).write_bytes(SEED.read_bytes())
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    inputs = [os.fsencode(folder)] if named == "folder" else [os.fsencode(bad), os.fsencode(folder / "good.txt")]
    run = cli("convert", *inputs, "-o", str(tmp_path / "out"), "--no-memory", "-q", *options)
    assert run.returncode == 0, run.stderr.decode()
    manifest = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert [m["source"] for m in manifest] == [display_name(bad), str(folder / "good.txt")]
    assert [m["status"] for m in manifest] == ["ok", "ok"]
    records = read_jsonl(tmp_path / "out" / "records.jsonl")
    assert {r["source"] for r in records} == {display_name(bad), str(folder / "good.txt")}
    assert path_of(manifest[0]["source"]) == bad  # the review app finds the file again


# ---------------------------------------------------------------- 7. every entry of a folder

def test_an_unreadable_folder_gets_a_line(tmp_path, monkeypatch):
    """As root a mode-0 folder is readable (the corpus has the real case for other users): fake the refusal."""
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "locked" / "x.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "good.txt").write_bytes(SEED.read_bytes())
    real = os.scandir

    def scandir(path="."):
        if isinstance(path, (str, os.PathLike)) and os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = find_inputs([tmp_path / "in"])
    assert [(Path(i.path).name, i.problem and i.problem.split(" (")[0]) for i in found] == \
        [("good.txt", None), ("locked", "the folder cannot be read")]
    result = convert([tmp_path / "in"])
    assert [e.status.value for e in result.manifest] == ["ok", "failed"]
    assert "Permission denied" in result.manifest[1].error and str(tmp_path / "in" / "locked") in result.manifest[1].error


def test_a_folder_of_only_bad_entries_is_not_zero_inputs(tmp_path):
    """The issue's symptom: "0 input(s)", exit 0, nothing in the manifest."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "loop").symlink_to(".")
    (folder / "gone.txt").symlink_to("nowhere.txt")
    run = cli("convert", str(folder), "-o", str(tmp_path / "out"), "--no-memory", "-q", "--engine", "serial")
    assert run.returncode == 1
    manifest = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert [(Path(m["source"]).name, m["status"]) for m in manifest] == [("gone.txt", "failed"), ("loop", "failed")]


def test_a_fifo_named_directly_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (entry,) = convert([str(tmp_path / "pipe.txt")]).manifest
    assert entry.status.value == "failed" and "not a regular file (a FIFO)" in entry.error


def test_walking_keeps_the_old_order(tmp_path):
    for name in ("b.txt", "a/x.txt", "a.txt", "a/.hidden/y.txt", "c.pages/p1.png", "c.pages/p2.png", "d.doc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [Path(i.path).relative_to(tmp_path).as_posix() for i in find_inputs([tmp_path])] == \
        ["a/x.txt", "a.txt", "b.txt", "c.pages"]
