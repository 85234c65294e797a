"""Paths are paths (issue 23, item 2): a memory, input or output path holding ``#``, ``?``, ``%``,
spaces or bytes that are not UTF-8 is the file it names, never a URI; and ``memory repair`` never
moves aside a memory that ``quick_check`` calls healthy."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED, read_jsonl
from jixiao.pipeline.cache import memory_digest
from jixiao.pipeline.inputs import display_name
from jixiao.repair.memory import RepairMemory, connect_read_only

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["h#h", "q?mode=rw", "p%41%", "with space", os.fsdecode(b"bad\xff\xfe")]


def files(folder: Path) -> list[str]:
    """The names in ``folder``, SQLite's -wal and -shm companions left out."""
    return sorted(name for name in os.listdir(folder) if not name.endswith(("-wal", "-shm")))


def cli(*args) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args], capture_output=True, env=environment,
                          timeout=300)


@pytest.mark.parametrize("name", NAMES, ids=ascii)
def test_a_memory_with_uri_characters_in_its_name_is_that_file(tmp_path, name):
    memory = tmp_path / f"{name}.sqlite"
    for out in ("first", "second"):
        # the serial engine opens the memory read-only for phase 2 as a worker does (batch.ReadOnlyMemory)
        run = cli("convert", os.fsencode(SEED), "-o", os.fsencode(tmp_path / out), "--memory", os.fsencode(memory),
                  "-q", "--engine", "serial")
        assert run.returncode == 0, run.stderr.decode(errors="replace")
    (entry,) = read_jsonl(tmp_path / "second" / "manifest.jsonl")
    assert entry["status"] == "ok" and entry["records"] == 14
    assert entry["memory"]["passages"] > 0  # the second batch drew on what the first one taught
    assert entry["memory"]["path"] == display_name(str(memory))
    assert files(tmp_path) == sorted(["first", "second", memory.name])  # no file 'h' beside it
    assert not memory_digest(memory).startswith("unreadable")

    check = cli("memory", "check", "--memory", os.fsencode(memory))
    assert check.returncode == 0, check.stderr.decode(errors="replace")
    repair = cli("memory", "repair", "--memory", os.fsencode(memory))
    assert repair.returncode == 0 and b"is sound; nothing to salvage" in repair.stdout
    assert files(tmp_path) == sorted(["first", "second", memory.name])  # nothing moved aside


@pytest.mark.parametrize("name", NAMES, ids=ascii)
def test_input_and_output_paths_with_uri_characters(tmp_path, name):
    folder = tmp_path / f"in {name}"
    folder.mkdir()
    source = folder / f"{name}.txt"
    source.write_bytes(SEED.read_bytes())
    out = tmp_path / f"out {name}"
    run = cli("convert", os.fsencode(folder), "-o", os.fsencode(out), "--no-memory", "-q", "--engine", "serial")
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    (entry,) = read_jsonl(out / "manifest.jsonl")
    assert entry["source"] == display_name(str(source)) and entry["records"] == 14


def test_read_only_connection_opens_the_named_file_and_never_creates_one(tmp_path):
    memory = tmp_path / "a#b.sqlite"
    with RepairMemory(memory):
        pass
    conn = connect_read_only(memory)
    assert conn.execute("SELECT count(*) FROM passages").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("CREATE TABLE t (x)")  # read-only
    conn.close()
    with pytest.raises(sqlite3.OperationalError):
        connect_read_only(tmp_path / "missing#.sqlite").execute("SELECT 1")
    assert files(tmp_path) == ["a#b.sqlite"]


def _damage_an_index(memory: Path) -> None:
    """Records sound, one index wrong: what quick_check passes and integrity_check does not."""
    conn = sqlite3.connect(memory)
    conn.executescript("CREATE TABLE notes (a, b); CREATE INDEX notes_a ON notes(a);"
                       "INSERT INTO notes VALUES (1, 2), (3, 4), (5, 6);")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX notes_a ON notes(b)' WHERE name = 'notes_a'")
    conn.commit()
    conn.close()


def test_memory_repair_rebuilds_the_indexes_of_a_healthy_memory_in_place(tmp_path):
    memory = tmp_path / "m#.sqlite"
    with RepairMemory(memory) as store:
        from jixiao.repair.index import PassageRef, Trust

        store.add([("应急管理能力建设", PassageRef(source="x", filing="f", field="memory", trust=Trust.MEMORY))])
    _damage_an_index(memory)
    check = cli("memory", "check", "--memory", str(memory))
    assert check.returncode == 1  # integrity_check sees the index
    repair = cli("memory", "repair", "--memory", str(memory))
    assert repair.returncode == 0, repair.stderr.decode()
    assert b"indexes were rebuilt in place" in repair.stdout
    assert files(tmp_path) == ["m#.sqlite"]  # never moved aside
    assert cli("memory", "check", "--memory", str(memory)).returncode == 0
    with RepairMemory(memory) as store:
        assert len(store) == 1


def test_memory_repair_still_moves_a_damaged_memory_aside(tmp_path):
    memory = tmp_path / "m%.sqlite"
    with RepairMemory(memory):
        pass
    data = bytearray(memory.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's content
    memory.write_bytes(bytes(data))
    repair = cli("memory", "repair", "--memory", str(memory))
    assert repair.returncode == 0, repair.stderr.decode()
    assert any(p.name.startswith("m%.sqlite.damaged-") for p in tmp_path.iterdir())
