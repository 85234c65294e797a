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
from helpers import SEED, codes, read_jsonl
from jixiao.model import ErrorCode
from jixiao.pipeline import convert
from jixiao.pipeline.inputs import display_name, find_inputs, path_of
from jixiao.repair.memory import MemoryStoreError

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
    assert [(Path(i.path).name, i.problem is not None and i.code) for i in found] == \
        [("good.txt", False), ("locked", ErrorCode.UNREADABLE_ENTRY)]
    result = convert([tmp_path / "in"])
    assert [e.status.value for e in result.manifest] == ["ok", "failed"]
    assert codes(result.manifest[1]) == ["unreadable_entry"]
    assert str(tmp_path / "in" / "locked") in result.manifest[1].error  # the message names the folder


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
    assert entry.status.value == "failed" and codes(entry) == ["not_a_regular_file"]


def test_walking_keeps_the_old_order_and_lists_every_file(tmp_path):
    # every regular file is an input (issue 13: nothing dropped); d.doc is listed, to fail with
    # a message naming its format; hidden entries are not searched
    for name in ("b.txt", "a/x.txt", "a.txt", "a/.hidden/y.txt", "c.pages/p1.png", "c.pages/p2.png", "d.doc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [Path(i.path).relative_to(tmp_path).as_posix() for i in find_inputs([tmp_path])] == \
        ["a/x.txt", "a.txt", "b.txt", "c.pages", "d.doc"]


# ---------------------------------------------------------------- 2, 3, 11. the repair memory

def _damage(path: Path, pages=(2, 3, 4)) -> None:
    """Overwrite a few pages of an SQLite file, as the issue did."""
    data = bytearray(path.read_bytes())
    for page in pages:
        data[page * 4096:(page + 1) * 4096] = bytes(range(256)) * 16
    path.write_bytes(bytes(data))


def _learned_memory(tmp_path: Path) -> Path:
    memory = tmp_path / "memory.sqlite"
    convert([str(SEED), *map(str, sorted((SEED.parent / "generated").glob("*.txt"))[:3])], memory=memory)
    from jixiao.repair.memory import RepairMemory

    with RepairMemory(memory) as store:  # fold the WAL into the file, so the damage hits real pages
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return memory


@pytest.mark.parametrize("damage", ["pages", "truncated", "random"])
def test_a_damaged_memory_is_named_with_the_ways_on_before_any_work(tmp_path, damage):
    if damage == "random":
        memory = tmp_path / "memory.sqlite"
        memory.write_bytes(os.urandom(20_000))
    else:
        memory = _learned_memory(tmp_path)
        if damage == "pages":
            _damage(memory)
        else:
            memory.write_bytes(memory.read_bytes()[:5000])
    run = cli("convert", str(SEED), "-o", str(tmp_path / "out"), "--memory", str(memory), "--engine", "serial")
    message = run.stderr.decode()
    assert run.returncode == 2, message
    assert "Traceback" not in message and str(memory) in message  # said, naming the file, not crashed
    with pytest.raises(MemoryStoreError) as refused:  # the same from Python: coded, with its facts
        convert([str(SEED)], tmp_path / "api-out", memory=memory)
    assert refused.value.code is ErrorCode.MEMORY_DAMAGED and refused.value.damaged
    assert refused.value.path == memory
    assert not (tmp_path / "out" / "records.jsonl").exists()  # stopped before the work, not after it
    review = cli("export", str(tmp_path / "out"), "--memory", str(memory))
    assert review.returncode == 2 and "Traceback" not in review.stderr.decode()


def test_memory_check_and_salvage(tmp_path):
    memory = _learned_memory(tmp_path)
    check = cli("memory", "check", "--memory", str(memory))
    assert check.returncode == 0 and b'"passages"' in check.stdout
    _damage(memory, pages=(5,))
    assert cli("memory", "check", "--memory", str(memory)).returncode == 1
    salvage = cli("memory", "salvage", "--memory", str(memory))
    assert salvage.returncode == 0, salvage.stderr.decode()
    assert list(tmp_path.glob("memory.sqlite.damaged-*"))  # moved aside, not deleted
    assert cli("memory", "check", "--memory", str(memory)).returncode == 0
    run = cli("convert", str(SEED), "-o", str(tmp_path / "out"), "--memory", str(memory), "--engine", "serial")
    assert run.returncode == 0, run.stderr.decode()


def test_a_memory_failure_at_the_end_is_a_warning_not_the_loss_of_the_batch(tmp_path, monkeypatch):
    from jixiao.repair.memory import RepairMemory

    def broken(self, *args, **kwargs):
        raise __import__("sqlite3").DatabaseError("database disk image is malformed")

    monkeypatch.setattr(RepairMemory, "add", broken)
    result = convert([str(SEED)], tmp_path / "out", memory=tmp_path / "memory.sqlite")
    assert result.summary["ok"] == 1 and len(read_jsonl(tmp_path / "out" / "records.jsonl")) == 14
    (warning,) = result.summary["warnings"]
    assert "not updated" in warning and "memory.sqlite" in warning and "--no-memory" in warning


def test_outputs_are_in_place_before_the_memory_learns(tmp_path, monkeypatch):
    from jixiao.repair.memory import RepairMemory

    seen = []
    real = RepairMemory.add

    def add(self, *args, **kwargs):
        seen.append((tmp_path / "out" / "records.jsonl").exists())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(RepairMemory, "add", add)
    convert([str(SEED)], tmp_path / "out", memory=tmp_path / "memory.sqlite")
    assert seen == [True]


def test_a_rerun_counts_nothing_twice(tmp_path):
    from jixiao.repair.memory import RepairMemory

    memory = tmp_path / "memory.sqlite"
    convert([str(SEED)], tmp_path / "out", memory=memory)
    with RepairMemory(memory) as store:
        before = store.conn.execute("SELECT count(*), sum(seen) FROM passages").fetchone()
    convert([str(SEED)], tmp_path / "out", memory=memory)  # e.g. after a kill between the outputs and the memory
    with RepairMemory(memory) as store:
        assert store.conn.execute("SELECT count(*), sum(seen) FROM passages").fetchone() == before
        assert store.conn.execute("SELECT count(*) FROM batches").fetchone()[0] == 1


def test_passages_have_a_length_cap(tmp_path):
    from jixiao.repair.index import PassageRef, Trust
    from jixiao.repair.memory import MAX_PASSAGE_CHARS, RepairMemory

    ref = PassageRef(source="x", filing=None, field="edit", trust=Trust.DECISION)
    with RepairMemory(tmp_path / "memory.sqlite") as store:
        assert store.add([("提高" * MAX_PASSAGE_CHARS, ref), ("提高防灾减灾能力", ref)], trust=Trust.DECISION) == 1


_CREATE = """
import sys, time
from pathlib import Path
from jixiao.repair.memory import RepairMemory
from jixiao.repair.index import PassageRef, Trust
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
with RepairMemory(Path(sys.argv[1])) as store:
    store.add([("提高防灾减灾能力第%s" % sys.argv[3], PassageRef(source="x", filing=None, field="f",
                                                         trust=Trust.MEMORY))])
"""


@pytest.mark.parametrize("trial", range(3))
def test_several_processes_create_one_new_memory_at_once(tmp_path, trial):
    import time

    memory = tmp_path / "new" / "memory.sqlite"
    start = time.time() + 1.5  # every process past its imports, then all at once
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    processes = [subprocess.Popen([sys.executable, "-c", _CREATE, str(memory), str(start), str(n)],
                                  stderr=subprocess.PIPE, env=env) for n in range(6)]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0] * 6, errors
    from jixiao.repair.memory import RepairMemory

    with RepairMemory(memory) as store:
        assert len(store) == 6 and store.state()["schema"] == 5
    assert oct(memory.stat().st_mode & 0o777) == "0o600"


def test_the_manifest_records_the_memory_state(tmp_path):
    memory = tmp_path / "memory.sqlite"
    convert([str(SEED)], tmp_path / "a", memory=memory)
    convert([str(SEED)], tmp_path / "b", memory=memory)
    first, second = (read_jsonl(tmp_path / out / "manifest.jsonl")[0]["memory"] for out in ("a", "b"))
    assert first["path"] == str(memory) and first["schema"] >= 4 and first["passages"] == 0
    assert second["passages"] > 0 and second["digest"] != first["digest"]  # the state each run drew on
    assert "memory" not in read_jsonl(convert([str(SEED)], tmp_path / "c").out_dir / "manifest.jsonl")[0]


# ---------------------------------------------------------------- 8, 9. the output folder

@pytest.mark.parametrize("where", ["a file", "under a file", "read-only"])
def test_a_bad_output_folder_is_a_usage_error_before_any_work(tmp_path, where):
    (tmp_path / "file").write_text("x")
    out = {"a file": tmp_path / "file", "under a file": tmp_path / "file" / "out",
           "read-only": tmp_path / "ro" / "out"}[where]
    if where == "read-only":
        if bad_inputs.running_as_root():
            pytest.skip("root writes into a read-only folder (test_read_only_output_folder_is_said covers it)")
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o555)
    run = cli("convert", str(SEED), "-o", str(out), "--no-memory")
    message = run.stderr.decode()
    assert run.returncode == 2 and "Traceback" not in message and str(out) in message, message


def test_read_only_output_folder_is_said(tmp_path, monkeypatch):
    import tempfile

    from jixiao.output.folder import OutputFolderError

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(OutputFolderError) as refused:
        convert([str(SEED)], tmp_path / "out")
    assert refused.value.code is ErrorCode.OUTPUT_FOLDER_UNUSABLE


def test_outputs_follow_the_umask_and_the_memory_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        convert([str(SEED)], tmp_path / "out", memory=tmp_path / "memory.sqlite")
    finally:
        os.umask(old)
    for name in ("records.jsonl", "records.csv", "filings.jsonl", "manifest.jsonl", "review.jsonl",
                 "schemas/record.schema.json"):
        assert oct((tmp_path / "out" / name).stat().st_mode & 0o777) == "0o644", name
    for name in ("memory.sqlite", "memory.sqlite-wal"):
        if (tmp_path / name).exists():
            assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o600", name


# ---------------------------------------------------------------- 11. warnings, skipped pages, workers

def test_skipped_ocr_pages_are_named_as_ranges(monkeypatch):
    import jixiao.extractors.ocr as ocr
    from jixiao.extractors import route

    from jixiao.extractors.limits import ExtractionLimits, applied

    errors = []
    monkeypatch.setattr(ocr, "extract_ocr_pages", lambda source, data, pages: pages)
    with applied(ExtractionLimits(max_ocr_pages=2)):  # the limits travel as data, not through the environment
        assert route._ocr("x.pdf", b"", [3, 5, 9, 10, 11, 40], errors) == [3, 5]
    assert [e.code for e in errors] == [ErrorCode.OCR_PAGES_CAPPED]
    assert route.number_ranges([9, 10, 11, 40]) == "9-11, 40"  # how the message names them


_ORPHANS = """
import os, sys, time
from jixiao.pipeline.engines import LocalEngine
with LocalEngine(workers=2, timeout=None, memory_limit=None) as engine:
    for _ in engine.run(time.sleep, [(0, (60,)), (1, (60,))]):
        pass
"""


def test_workers_die_with_their_parent(tmp_path):
    import time

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    parent = subprocess.Popen([sys.executable, "-c", _ORPHANS], env=env, start_new_session=True)

    def workers() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and os.getpgid(int(entry.name)) == parent.pid and int(entry.name) != parent.pid:
                    state = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
                    if state != b"Z":
                        found.append(int(entry.name))
            except (OSError, ValueError):
                pass
        return found

    deadline = time.monotonic() + 60
    while len(workers()) < 4 and time.monotonic() < deadline:  # resource tracker, forkserver, two workers
        time.sleep(0.2)
    time.sleep(1.0)  # the workers are in their tasks
    assert len(workers()) >= 4
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 3
    while workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = workers()
    for pid in left:  # do not leave them behind when this fails
        os.kill(pid, 9)
    assert left == [], "workers outlived their killed parent"
