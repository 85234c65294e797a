"""SIGKILL at random points of `jixiao convert` and `jixiao export`: every output file is then the old
version or the new one, never half of one, and the SQLite repair memory passes its integrity check.

(tests/test_batch.py kills a run mid-batch and checks that it *resumes*; this checks what a kill
leaves on disk, at many points, including the final renames and the memory's transactions.)
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from helpers import SAMPLES, SEED

CLI = [sys.executable, "-m", "jixiao.pipeline.cli"]
KILL_POINTS = int(os.environ.get("JIXIAO_KILL_POINTS", "5"))


def snapshot(folder: Path) -> dict[str, object]:
    """Every finished file under ``folder`` (temporary files of a killed writer excepted).

    An XLSX is compared by its parts, less docProps/core.xml (openpyxl stamps the time in it);
    a half-written one is not a readable zip and fails here.
    """
    def content(path: Path):
        if path.name == "manifest.jsonl":
            # each run here has its own copy of the memory: the recorded path differs, the state must not
            return re.sub(rb'"memory":\{"path":"[^"]*"', b'"memory":{"path":"-"', path.read_bytes())
        if path.suffix != ".xlsx":
            return path.read_bytes()
        try:
            with zipfile.ZipFile(path) as book:
                return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}
        except zipfile.BadZipFile:
            return b"not a whole xlsx"

    return {str(p.relative_to(folder)): content(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".tmp") and ".cache" not in p.parts}


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def run_killed(command: list[str], delay: float) -> bool:
    """Start ``command``, SIGKILL its whole process group after ``delay`` s; True if it was still running."""
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(delay)
    alive = process.poll() is None
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return alive


def check_kills(tmp_path: Path, command, old_dir: Path, new_dir: Path, old_memory: Path,
                durations: float, seed: int) -> dict:
    """Kill ``command`` at random points; after each, compare the outputs with the old and new versions."""
    old, new = snapshot(old_dir), snapshot(new_dir)
    assert old != new
    rng = random.Random(seed)
    stats = {"kills": 0, "files_checked": 0, "corrupt": []}
    for point in range(KILL_POINTS):
        out, memory = tmp_path / f"kill{point}", tmp_path / f"kill{point}.sqlite"
        shutil.copytree(old_dir, out)
        shutil.copyfile(old_memory, memory)
        delay = rng.uniform(0.3, durations)
        stats["kills"] += run_killed(command(out, memory), delay)
        for name, data in snapshot(out).items():
            stats["files_checked"] += 1
            if data != old.get(name) and data != new.get(name):
                stats["corrupt"].append(f"{name} after a kill at {delay:.2f} s")
        assert integrity(memory) == "ok", f"memory corrupt after a kill at {delay:.2f} s"
    return stats


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return [str(SEED), *map(str, sorted((SAMPLES / "generated").glob("*.txt"))[:5])]


def convert_command(inputs):
    return lambda out, memory: [*CLI, "convert", *inputs, "-o", str(out), "--memory", str(memory),
                                "--engine", "serial", "-q", "--no-cache", "--format", "csv,parquet,xlsx"]


def test_kill_during_convert(tmp_path, inputs):
    old_memory = tmp_path / "old.sqlite"
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    command = convert_command(inputs)
    subprocess.run(convert_command(inputs[:1])(old_dir, old_memory), check=True)  # the old version: one input
    shutil.copyfile(old_memory, tmp_path / "new.sqlite")
    started = time.monotonic()
    subprocess.run(command(new_dir, tmp_path / "new.sqlite"), check=True)
    duration = time.monotonic() - started
    stats = check_kills(tmp_path, command, old_dir, new_dir, old_memory, duration, seed=8)
    assert stats["kills"] >= 1 and stats["files_checked"] > 0
    assert not stats["corrupt"], stats["corrupt"]


def test_kill_during_export(tmp_path, inputs):
    memory = tmp_path / "old.sqlite"
    old_dir = tmp_path / "old"
    subprocess.run(convert_command(inputs)(old_dir, memory), check=True)
    # a decision, so that the export differs from the converted outputs
    from jixiao.review.batch import Batch
    from jixiao.review.log import DecisionLog
    from jixiao.repair.memory import RepairMemory

    batch = Batch(old_dir)
    item = batch.items[0]
    from jixiao.review.actions import decide

    with RepairMemory(memory) as store:
        decide(DecisionLog(store.conn, batch.key), [item], "edit", "测试", versions={item.id: None},
               value="人工改定的值")
    new_dir = tmp_path / "new"
    shutil.copytree(old_dir, new_dir)
    shutil.copyfile(memory, tmp_path / "new.sqlite")
    command = lambda out, mem: [*CLI, "export", str(out), "--memory", str(mem)]  # noqa: E731
    started = time.monotonic()
    subprocess.run(command(new_dir, tmp_path / "new.sqlite"), check=True, capture_output=True)
    duration = time.monotonic() - started
    stats = check_kills(tmp_path, command, old_dir, new_dir, memory, duration, seed=9)
    assert stats["kills"] >= 1
    assert not stats["corrupt"], stats["corrupt"]
