"""The probe of issue 23 as a corpus: every case that broke, rebuilt at test time, with what it must give.

:data:`CASES` is the table. A *file* case is a hostile input (built by
:mod:`hostile_files` at the probe's size, ``full``, or at a small one) converted
beside good inputs; it must end with its ``status`` and a manifest message
holding ``message`` (at the small size, under :data:`SMALL`'s limits, which
the small file passes as the full one passes the defaults). A *scenario* is
what is no input file (a planted cache entry, a memory path, a CLI flag, the
review server): a function that runs it and says what went wrong.

    python tests/hostile_inputs.py list
    python tests/hostile_inputs.py make CASE WORK [--full]     # build the input(s) in WORK
    python tests/hostile_inputs.py run CASE WORK [--full]      # convert (jixiao convert, local engine) and check

``make bench-robust`` (benchmarks/bench_robust.py) runs every case at full size
and reports its status, time and the peak memory of the whole process tree.
``tests/test_hostile_inputs.py`` runs them all small on every ``make test``,
and full size under ``-m slow``.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for extra in (str(HERE), str(ROOT / "tools"), str(ROOT / "src")):
    if extra not in sys.path:
        sys.path.insert(0, extra)

import hostile_files as hf  # noqa: E402
from helpers import SEED, read_jsonl  # noqa: E402

SMALL = {"max_inflated_mb": 1, "max_input_mb": 2, "max_text_mb": 1, "max_page_mb": 1, "max_part_mb": 1,
         "max_cells": 2_000, "max_lines": 2_000}
"""The limits the small cases run under: each small file passes the limit its full-size probe passes the
default of (and the good inputs pass them all)."""
TIME_BUDGET = 60.0
"""Seconds a case may take at full size (issue 23's acceptance)."""
MEMORY_BUDGET = 1.5 * (1 << 30)
"""Bytes the whole process tree may hold at once at full size (issue 23's acceptance)."""


@dataclass
class Verdict:
    """How a case ended: its status (a manifest status, or ``exit N``) and what was not as expected."""

    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Hostile:
    number: str  # the item, and a letter when the item held several cases
    name: str  # the input's file name, or the scenario's name
    probe: str  # what the probe saw before the fix
    status: str  # the manifest status the hostile input must end with ("exit 2" for a usage error)
    message: Optional[str] = None  # a fragment of its manifest message (at full size)
    make: Optional[Callable[[Path, bool], None]] = None  # writes the input (full: the probe's size)
    records: Optional[int] = None
    small_message: Optional[str] = None  # when the small file passes another limit first
    check: Optional[Callable[[Path], list[str]]] = None  # more checks on OUT
    scenario: Optional[Callable[[Path, bool], Verdict]] = None

    @property
    def kind(self) -> str:
        return "scenario" if self.scenario else "file"


def _bytes(build: Callable[[], bytes]) -> Callable[[Path, bool], None]:
    return lambda path, full: path.write_bytes(build())


def _sized(build: Callable[[bool], bytes]) -> Callable[[Path, bool], None]:
    return lambda path, full: path.write_bytes(build(full))


def _cli(*args, env: Optional[dict] = None, cwd: Optional[Path] = None, timeout: float = 600,
         text: bool = True) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
                   **(env or {})}
    return subprocess.run([sys.executable, "-m", "jixiao.pipeline.cli", *args], capture_output=True, text=text,
                          env=environment, cwd=cwd, timeout=timeout)


def small_env() -> dict:
    return {f"JIXIAO_{name.upper()}": str(value) for name, value in SMALL.items()}


# ---------------------------------------------------------------- checks on OUT

def _no_replacement_character(out: Path) -> list[str]:
    text = (out / "records.jsonl").read_text(encoding="utf-8")
    return ["a record holds U+FFFD"] if "\ufffd" in text else []


def _level3_flagged(out: Path) -> list[str]:
    from jixiao.model import CONTROLS_FLAG

    records = [r for r in read_jsonl(out / "records.jsonl") if r["source"].endswith("html-nul-value.html")]
    if not any(CONTROLS_FLAG in r["fields"]["level3"]["flags"] for r in records):
        return [f"no level3 field flagged {CONTROLS_FLAG}"]
    return _no_replacement_character(out)


def _csv_runs_nothing(out: Path) -> list[str]:
    import csv
    import io

    from jixiao.output.safety import runs_as_formula

    text = (out / "records.csv").read_text(encoding="utf-8-sig")
    bad = [cell for delimiter in (",", ";") for row in csv.reader(io.StringIO(text), delimiter=delimiter)
           for cell in row if runs_as_formula(cell)]
    return [f"records.csv has cells Excel would run: {bad[:3]}"] if bad else []


# ---------------------------------------------------------------- scenarios

def _plant_pickles(work: Path, full: bool) -> Verdict:
    """Issue 23, item 1: another user replaces the cache entries with pickles of os.system. The other
    user must reach the folder: it is made in /tmp, open to all, whatever ``work``'s parents allow."""
    shared = Path(tempfile.mkdtemp(prefix="jixiao-plant-", dir="/tmp"))
    try:
        return _planted_in(shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _planted_in(work: Path) -> Verdict:
    out, marker = work / "out", work / "ran"
    payload = work / "payload"
    payload.write_bytes(pickle.dumps(_Planted(f"touch {marker}")))
    old = os.umask(0o002)
    try:
        first = _cli("convert", str(SEED), "-o", str(out), "--no-memory", "-q")
    finally:
        os.umask(old)
    problems = [] if first.returncode == 0 else [f"first convert: {first.stderr[-300:]}"]
    entries = sorted((out / ".cache").rglob("*.json"))
    for folder in [out / ".cache", *(p for p in (out / ".cache").rglob("*") if p.is_dir())]:
        folder.chmod(0o777)  # an earlier version left the cache open to the group
    as_other = _as_nobody() if _can_switch_user() else []
    script = "; ".join(f"rm -f '{p}' && cp '{payload}' '{p}' && cp '{payload}' '{p.with_suffix('.pkl')}'" for p in entries)
    work.chmod(0o777)
    payload.chmod(0o644)
    planted = subprocess.run([*as_other, "sh", "-c", script], capture_output=True, text=True)
    if planted.returncode:
        problems.append(f"could not plant: {planted.stderr[-300:]}")
    second = _cli("convert", str(SEED), "-o", str(out), "--no-memory", "-q")
    if marker.exists():
        problems.append("a planted pickle ran")
    if "not to this user" not in second.stderr and "HMAC does not match" not in second.stderr:
        problems.append(f"no warning about the planted entries: {second.stderr[-300:]}")
    manifest = read_jsonl(out / "manifest.jsonl")
    if manifest[0]["records"] != 14:
        problems.append(f"{manifest[0]['records']} records after the rerun")
    return Verdict(manifest[0]["status"], problems)


class _Planted:
    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def _can_switch_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv") is not None


def _as_nobody() -> list[str]:
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _memory_uri(work: Path, full: bool) -> Verdict:
    """Issue 23, item 2: --memory 'h#h.sqlite' opened a new file 'h'; memory repair moved the memory aside."""
    memory = work / "h#h?x=1%.sqlite"
    problems = []
    for out in ("first", "second"):
        run = _cli("convert", str(SEED), "-o", str(work / out), "--memory", str(memory), "-q")
        if run.returncode:
            problems.append(f"convert {out}: {run.stderr[-300:]}")
    (entry,) = read_jsonl(work / "second" / "manifest.jsonl")
    if not entry.get("memory", {}).get("passages"):
        problems.append("the second batch drew on no passage of the first")
    repair = _cli("memory", "salvage", "--memory", str(memory))
    if repair.returncode or "is sound; nothing to salvage" not in repair.stdout:
        problems.append(f"memory salvage: {repair.stdout}{repair.stderr}")
    strays = sorted(p.name for p in work.iterdir() if p.name not in ("first", "second") and
                    not p.name.startswith(memory.name))
    if strays:
        problems.append(f"files beside the memory: {strays}")
    return Verdict(entry["status"], problems)


def _output_in_input(work: Path, full: bool) -> Verdict:
    """Issue 23, item 3: convert in/self -o in/self/out three times gave 11, 22, 33 records."""
    folder = work / "in" / "self"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    counts = []
    for _ in range(3):
        _cli("convert", str(folder), "-o", str(folder / "out"), "--no-memory", "-q", "--format", "csv,xlsx")
        counts.append(sum(m["records"] for m in read_jsonl(folder / "out" / "manifest.jsonl")))
    status = read_jsonl(folder / "out" / "manifest.jsonl")[0]["status"]
    return Verdict(status, [] if counts == [14, 14, 14] and status == "skipped" else [f"records {counts}, {status}"])


def _deep_folder(work: Path, full: bool) -> Verdict:
    """Issue 23, item 4: a folder ~990 deep ended the batch with RecursionError and no manifest."""
    here = os.getcwd()
    try:
        (work / "in").mkdir(parents=True, exist_ok=True)
        os.chdir(work / "in")
        for _ in range(1_200):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.txt").write_bytes(SEED.read_bytes())
    finally:
        os.chdir(here)
    run = _cli("convert", str(work / "in"), "-o", str(work / "out"), "--no-memory", "-q")
    manifest = read_jsonl(work / "out" / "manifest.jsonl") if (work / "out" / "manifest.jsonl").exists() else []
    subprocess.run(["rm", "-rf", str(work / "in")], check=False)  # shutil.rmtree recurses
    ok = run.returncode == 0 and [m["records"] for m in manifest] == [14]
    return Verdict(manifest[0]["status"] if manifest else f"exit {run.returncode}",
                   [] if ok else [f"exit {run.returncode}: {run.stderr[-300:]}"])


def _review_body(raw: str) -> Callable[[Path, bool], Verdict]:
    def scenario(work: Path, full: bool) -> Verdict:
        """Issue 23, item 11: the review server answered 500."""
        from jixiao.pipeline import convert
        from jixiao.review.app import create_app

        convert([str(SEED)], work / "out", memory=None)
        app = create_app(work / "out", memory=work / "memory.sqlite", reviewer="anna", source_roots=[ROOT])
        client = app.test_client()
        token = app.config["JIXIAO_TOKEN"]
        client.get(f"/?token={quote(token)}")  # signed in as the clerk's browser is, by the terminal's URL
        item = read_jsonl(work / "out" / "review.jsonl")[0]["id"]
        response = client.post(f"/api/items/{quote(item, safe='')}/decide", data=raw,
                               content_type="application/json", headers={"X-Jixiao-Token": token})
        status = f"HTTP {response.status_code}"
        return Verdict(status, [] if response.status_code == 400 else [f"{status}: {response.get_data()[:200]!r}"])
    return scenario


def _chatter(work: Path, full: bool) -> Verdict:
    """Issue 23, item 11: xlrd's '*** xf #14 …' landed in --log-json's stdout."""
    sys.path.insert(0, str(HERE))
    from test_messages import chatty_xls

    path = chatty_xls(work / "chatty.xls")
    run = _cli("convert", str(path), "-o", str(work / "out"), "--no-memory", "--log-json")
    problems = []
    for line in run.stdout.splitlines():
        try:
            json.loads(line)
        except ValueError:
            problems.append(f"stdout line is not JSON: {line[:80]!r}")
    (entry,) = read_jsonl(work / "out" / "manifest.jsonl")
    return Verdict(entry["status"], problems)


def _not_files(work: Path, full: bool) -> Verdict:
    """Issue 23, item 11: a FIFO or a dangling link without an input suffix was missing from the manifest."""
    folder = work / "in"
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "pipe")
    (folder / "link").symlink_to("nowhere")
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    _cli("convert", str(folder), "-o", str(work / "out"), "--no-memory", "-q")
    manifest = {Path(m["source"]).name: m for m in read_jsonl(work / "out" / "manifest.jsonl")}
    problems = [f"{name}: {manifest.get(name, {}).get('status')}" for name in ("pipe", "link")
                if manifest.get(name, {}).get("status") != "failed"]
    if manifest.get("good.txt", {}).get("records") != 14:
        problems.append("the good input beside them did not convert")
    return Verdict(manifest.get("pipe", {}).get("status", "missing"), problems)


def _usage(args: list[str], wanted: str, cwd_empty: bool = False) -> Callable[[Path, bool], Verdict]:
    def scenario(work: Path, full: bool) -> Verdict:
        cwd = work / "cwd"
        cwd.mkdir(parents=True, exist_ok=True)
        run = _cli("convert", str(SEED), *[a.replace("{work}", str(work)) for a in args], "--no-memory", "-q",
                   cwd=cwd)
        problems = [] if run.returncode == 2 and wanted in run.stderr and "Traceback" not in run.stderr else \
            [f"exit {run.returncode}: {run.stderr[-300:]}"]
        if cwd_empty and list(cwd.iterdir()):
            problems.append(f"written into the current folder: {sorted(p.name for p in cwd.iterdir())}")
        return Verdict(f"exit {run.returncode}", problems)
    return scenario


# ---------------------------------------------------------------- the table


CASES: tuple[Hostile, ...] = (
    Hostile("1", "cache-pickle", "a planted pickle in OUT/.cache ran as the converting user", "ok",
            scenario=_plant_pickles),
    Hostile("2", "memory-uri", "--memory 'h#h.sqlite' opened 'h'; memory repair moved a sound memory aside", "ok",
            scenario=_memory_uri),
    Hostile("3", "output-in-input", "convert in -o in/out read its own records.xlsx: 11, 22, 33 records", "skipped",
            scenario=_output_in_input),
    Hostile("4", "deep-folder", "a folder ~990 deep: RecursionError, no manifest", "ok", scenario=_deep_folder),
    Hostile("5a", "html-nul-header.html", "a NUL in a header word: 'no performance-goal table'", "ok",
            "1 control character(s)", _bytes(lambda: hf.html_nul("header")), records=6),
    Hostile("5b", "html-nul-value.html", "a NUL in a value: U+FFFD, intact, no flag, no warning", "ok",
            "1 control character(s)", _bytes(lambda: hf.html_nul("value")), records=6, check=_level3_flagged),
    Hostile("6a", "pdf-cr-stream.pdf", "'stream\\r' passed the inflate guard: 2.7 GB", "failed", "max_inflated_mb",
            _sized(lambda full: hf.pdf_cr_stream(2700 if full else 4))),
    Hostile("6b", "pdf-hex-flate.pdf", "[/ASCIIHexDecode /FlateDecode] passed the guard: 2.7 GB", "failed",
            "max_inflated_mb", _sized(lambda full: hf.pdf_hex_flate(2700 if full else 4))),
    Hostile("6c", "pdf-flate-flate.pdf", "[/FlateDecode /FlateDecode] from 3 KB: 2.7 GB", "failed",
            "max_inflated_mb", _sized(lambda full: hf.pdf_flate_flate(2700 if full else 4))),
    Hostile("7a", "xlsx-blank-bomb.xlsx", "1.5 MB of blanks inflating to 1.5 GB: 1.6 GB of memory", "failed",
            "max_cell_chars", lambda path, full: hf.xlsx_blank_bomb(path, 1500 if full else 4)),
    Hostile("7b", "xlsx-shared-string.xlsx", "one 1 GB shared string: MemoryError, a traceback", "failed",
            "max_cell_chars", lambda path, full: hf.xlsx_shared_string(path, 1024 if full else 4),
            small_message="max_part_mb"),
    Hostile("7c", "xlsx-rows.xlsx", "1,000,000 rows: 109 s, 3.3 GB", "failed", "max_cells",
            lambda path, full: hf.xlsx_rows(path, 1_000_000 if full else 3_000)),
    Hostile("7d", "xlsx-merged-range.xlsx", "A30:XFD1048576 merged in 2.4 KB: 42 s, 3.5 GB, MemoryError", "failed",
            "max_merged_cells", lambda path, full: hf.xlsx_merged_range(path)),
    Hostile("7e", "xlsx-number-format.xlsx", "a format of 100,000 zeros on 2,000 cells: timeout", "failed",
            "max_format_chars",
            lambda path, full: hf.xlsx_number_format(path, 100_000 if full else 1_000, 2_000 if full else 20)),
    Hostile("8a", "docx-blank-bomb.docx", "1.5 GB of blanks: 3.1 GB, 'Text node too long' traceback", "failed",
            "max_cell_chars", lambda path, full: hf.docx_blank_bomb(path, 1500 if full else 4)),
    Hostile("8b", "docx-paragraphs.docx", "3,000,000 paragraphs in 428 KB: timeout", "failed", "max_lines",
            lambda path, full: hf.docx_paragraphs(path, 3_000_000 if full else 30_000)),
    Hostile("8c", "docx-grid-span.docx", "50 cells of gridSpan=100000000: 120 s", "ok", None,
            lambda path, full: hf.docx_grid_span(path, 50 if full else 1), records=6),
    Hostile("9a", "html-rows.html", "100 MB of rows: 64 s, 3.6 GB, MemoryError", "failed", "max_page_mb",
            lambda path, full: hf.html_rows(path, 100 if full else 2)),
    Hostile("9b", "html-spans.html", "2,000 rows of rowspan=colspan=100000: 3.6 GB", "failed", "max_cells",
            _sized(lambda full: hf.html_spans(2_000 if full else 300))),
    Hostile("9c", "html-tables.html", "100,000 one-cell tables: 3.5 GB, the worker died", "failed", "max_tables",
            _sized(lambda full: hf.html_tables(100_000 if full else 1_500))),
    Hostile("9d", "html-deep-table.html", "a real table under 253+ nested elements: 'holds no table'", "ok", None,
            _bytes(lambda: hf.html_deep_table(300)), records=6),
    Hostile("9e", "html-nested-tables.html", "10,000 nested tables: the real one buried, an 11.5 KB error", "failed",
            "max_depth", _sized(lambda full: hf.html_nested_tables(10_000 if full else 300))),
    Hostile("10a", "text-single-line.txt", "a 50 MB single line: timeout", "failed", "max_text_mb",
            lambda path, full: hf.text_single_line(path, 50 if full else 2)),
    Hostile("10b", "text-lines.txt", "94 MB of 2 million lines: timeout", "failed", "max_text_mb",
            lambda path, full: hf.text_lines(path, 94 if full else 2)),
    Hostile("10c", "text-1gb.txt", "1 GB read whole by the main process: 2.1 GB outside --memory-limit", "failed",
            "max_input_mb", lambda path, full: hf.text_file_of(path, 1024 if full else 3)),
    Hostile("11a", "review-deep-json", "a 100,000-deep JSON body: 500", "HTTP 400",
            scenario=_review_body("[" * 100_000 + "]" * 100_000)),
    Hostile("11b", "review-surrogate", "a lone surrogate in an edit: 500", "HTTP 400",
            scenario=_review_body('{"action": "edit", "version": 0, "value": "\\ud800"}')),
    Hostile("11c", "damaged.xls", "a damaged .xls told to 'save it as .docx'", "failed", "save it as .xlsx",
            _bytes(hf.damaged_xls)),
    Hostile("11d", "xlrd-chatter", "xlrd's '*** xf #14 …' in --log-json's stdout", "ok", scenario=_chatter),
    Hostile("11e", "rot13.html", "charset=rot13: a crash", "ok", None, _bytes(hf.html_rot13), records=6),
    Hostile("11f", "bad-style.xlsx", "a style index past the styles: IndexError traceback", "failed",
            "refers to a style", lambda path, full: hf.xlsx_bad_style(path)),
    Hostile("11g", "fifo-and-dangling-link", "a FIFO or dangling link without an input suffix: no manifest line",
            "failed", scenario=_not_files),
    Hostile("11h", "empty-out", "-o \"\" wrote into the current folder", "exit 2",
            scenario=_usage(["-o", ""], "the output folder is empty", cwd_empty=True)),
    Hostile("11i", "memory-limit-20M", "--memory-limit 20M: a RuntimeError traceback about __main__", "exit 2",
            scenario=_usage(["-o", "{work}/out", "--memory-limit", "20M"], "--memory-limit 20M")),
    Hostile("11j", "unreachable-scheduler", "an unreachable --scheduler: a traceback after 30 s", "exit 2",
            scenario=_usage(["-o", "{work}/out", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"],
                            "cannot be reached")),
    Hostile("11k", "csv-semicolon.txt", "';=cmd|…' written unquoted to CSV", "ok", None,
            _bytes(hf.text_semicolon_formula), records=14, check=_csv_runs_nothing),
)
BY_NAME = {case.name: case for case in CASES}
FILE_CASES = tuple(case for case in CASES if case.kind == "file")


def goods(case: Hostile) -> list[Path]:
    """The good inputs converted beside a file case: the seed, and a filing of the case's own format."""
    same = hf.FORMATS / f"{hf.GANZI}{Path(case.name).suffix}"
    return [SEED, *([same] if same.suffix in (".html", ".xlsx", ".xls", ".docx") and same.exists() else [])]


def check_entry(case: Hostile, entry: Optional[dict], full: bool) -> list[str]:
    """What differs between a file case's manifest line and what the case expects."""
    if entry is None:
        return ["no manifest line"]
    problems = []
    if entry["status"] != case.status:
        problems.append(f"status {entry['status']} (expected {case.status}): {(entry.get('error') or '')[:300]}")
    wanted = case.message if full or case.small_message is None else case.small_message
    messages = [entry.get("error") or ""] + [e["message"] for e in entry.get("errors", [])]
    if wanted and not any(wanted in m for m in messages):
        problems.append(f"no message with {wanted!r}: {messages[:3]}")
    if any("Traceback" in m or len(m) > 2_200 for m in messages):
        problems.append("a traceback or an unbounded message in the manifest")
    if case.records is not None and entry["records"] != case.records:
        problems.append(f"{entry['records']} records (expected {case.records})")
    return problems


def make(case: Hostile, work: Path, full: bool) -> None:
    """Build a file case's input in ``work/in`` (a scenario builds its own as it runs)."""
    if case.make is not None:
        (work / "in").mkdir(parents=True, exist_ok=True)
        case.make(work / "in" / case.name, full)


def run(case: Hostile, work: Path, full: bool) -> Verdict:
    """Run a case as a user would (``jixiao convert``, local engine) and check it; ``make`` first."""
    if case.scenario is not None:
        return case.scenario(work, full)
    hostile = work / "in" / case.name
    good = goods(case)
    out = work / "out"
    result = _cli("convert", str(hostile), *map(str, good), "-o", str(out), "--no-memory", "-q",
                  env=None if full else small_env())
    if not (out / "manifest.jsonl").exists():
        return Verdict(f"exit {result.returncode}", [f"no manifest: {result.stderr[-400:]}"])
    manifest = {m["source"]: m for m in read_jsonl(out / "manifest.jsonl")}
    entry = manifest.get(str(hostile))
    problems = check_entry(case, entry, full)
    for path in good:
        line = manifest.get(str(path), {})
        if line.get("status") != "ok":
            problems.append(f"the good input {path.name} beside it: {line.get('status')} {line.get('error')}")
    if case.check is not None and (out / "records.jsonl").exists():
        problems += case.check(out)
    if "Traceback" in result.stderr and case.status != "failed":
        problems.append("a traceback on stderr")
    return Verdict(entry["status"] if entry else "missing", problems)


def main(argv: list[str]) -> int:
    if not argv or argv[0] == "list":
        for case in CASES:
            print(f"{case.number:4} {case.name:26} {case.kind:8} {case.status:9} {case.probe}")
        return 0
    action, name, work = argv[0], argv[1], Path(argv[2])
    full = "--full" in argv
    case = BY_NAME[name]
    work.mkdir(parents=True, exist_ok=True)
    if action == "make":
        make(case, work, full)
        return 0
    started = time.perf_counter()
    verdict = run(case, work, full)
    print(json.dumps({"case": case.name, "status": verdict.status, "problems": verdict.problems,
                      "seconds": round(time.perf_counter() - started, 2)}, ensure_ascii=False))
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
