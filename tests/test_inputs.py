"""Walking the inputs (issue 23, items 3, 4 and 11): outputs are never inputs, a deep folder is walked
without recursion, and every entry of a folder gets a line whatever its name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED, read_jsonl
from jixiao.pipeline import convert
from jixiao.pipeline.inputs import find_inputs


def test_an_output_folder_inside_the_input_folder_is_never_read(tmp_path):
    """`convert in -o in/out` three times: the same records each time, and the manifest says why
    in/out was not read (it once gave 11, 22, then 33 records: out/records.xlsx was read as a filing)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    out = folder / "out"
    counts = []
    for _ in range(3):
        result = convert([str(folder)], out, formats=("jsonl", "csv", "xlsx", "parquet"), memory=None)
        counts.append(result.summary["records"])
        manifest = read_jsonl(out / "manifest.jsonl")
        assert [m["source"] for m in manifest] == [str(out), str(folder / "seed.txt")]
        assert manifest[0]["status"] == "skipped" and "the output folder of this convert" in manifest[0]["error"]
    assert counts == [14, 14, 14]


def test_a_folder_holding_a_jixiao_manifest_is_not_searched(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    convert([str(SEED)], folder / "last-year", formats=("jsonl", "csv", "xlsx"), memory=None)
    result = convert([str(folder)], tmp_path / "out", memory=None)
    manifest = read_jsonl(tmp_path / "out" / "manifest.jsonl")
    assert [m["status"] for m in manifest] == ["skipped", "ok"]
    assert "an earlier convert (it holds a jixiao manifest.jsonl)" in manifest[0]["error"]
    assert result.summary["records"] == 14


def test_a_folder_with_a_manifest_of_another_tool_is_searched(tmp_path):
    folder = tmp_path / "in" / "sub"
    folder.mkdir(parents=True)
    (folder / "manifest.jsonl").write_text('{"files": 3}\n')
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    assert [item.path for item in find_inputs([tmp_path / "in"])] == [str(folder / "manifest.jsonl"),
                                                                       str(folder / "seed.txt")]


def _nest(top: Path, depth: int) -> Path:
    """``top/d/d/…/d`` ``depth`` deep, made with relative mkdirs (a path that long is fine, one step at a time)."""
    here = os.getcwd()
    try:
        os.makedirs(top, exist_ok=True)
        os.chdir(top)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        bottom = Path(os.getcwd())
    finally:
        os.chdir(here)
    return bottom


@pytest.fixture
def deep_folder(tmp_path):
    """``tmp_path/in/d/…/d/deep.txt`` deeper than Python's recursion limit, beside ``in/top.txt``;
    removed with ``rm -rf`` (shutil.rmtree recurses, and pytest's clean-up with it)."""
    depth = sys.getrecursionlimit() + 50
    bottom = _nest(tmp_path / "in", depth)
    (bottom / "deep.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "top.txt").write_bytes(SEED.read_bytes())
    yield tmp_path / "in", depth
    subprocess.run(["rm", "-rf", str(tmp_path / "in")], check=True)


def test_a_folder_nested_deeper_than_the_recursion_limit_is_walked(deep_folder):
    folder, depth = deep_folder
    found = find_inputs([folder])
    assert [Path(item.path).name for item in found] == ["deep.txt", "top.txt"]  # name order: d/… before top.txt
    assert Path(found[0].path).relative_to(folder).parts.count("d") == depth
    # converting such a folder end to end: tests/hostile_inputs.py, case 4


def test_the_walk_keeps_name_order_depth_first(tmp_path):
    for name in ("a/x.txt", "a/b/y.txt", "a/c.txt", "b.txt", "c/z.txt", ".hidden/h.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    names = [os.path.relpath(item.path, tmp_path) for item in find_inputs([tmp_path])]
    assert names == ["a/b/y.txt", "a/c.txt", "a/x.txt", "b.txt", "c/z.txt"]


@pytest.mark.parametrize("name", ["pipe", "pipe.dat", "dangling", "dangling.css"])
def test_an_entry_that_is_not_a_file_gets_a_line_whatever_its_name(tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    if name.startswith("pipe"):
        os.mkfifo(folder / name)
    else:
        (folder / name).symlink_to("nowhere")
    result = convert([str(folder)], tmp_path / "out", memory=None)
    manifest = {m["source"]: m for m in read_jsonl(tmp_path / "out" / "manifest.jsonl")}
    entry = manifest[str(folder / name)]
    assert entry["status"] == "failed"
    assert ("not a regular file (a FIFO)" if name.startswith("pipe") else "dangling symbolic link") in entry["error"]
    assert manifest[str(folder / "good.txt")]["records"] == 14 and result.failed == 1
