"""What a user pays for a PDF convert: jixiao's whole convert against camelot's lattice, beside pdfium's floor.

Issue 22. Everything is measured side by side in one run, each in a fresh
process, in CPU seconds (this machine is shared: wall time says little), with
the peak memory of that process and its children (``wait4``):

- ``jixiao convert (CLI, cold)``: ``jixiao convert FILES -o OUT --engine serial
  --no-memory --no-cache``, start-up included: extraction, reading, repair,
  join and writing every output, as a new user runs it;
- ``jixiao convert (warm)``: the same ``convert`` in a process that has already
  converted one file (imports and dictionaries paid), so that start-up shows apart;
- ``camelot lattice (warm)``: ``camelot.read_pdf(path, pages="all",
  flavor="lattice")`` on the same files after a warm-up read: raw tables only,
  no repair, no output;
- ``pdfium text (floor)``: pypdfium2 opening each file and giving each page's
  text with every character's box, the least any reader of these pages does.

The ratio that counts is camelot's warm CPU over jixiao's cold CLI (ours with
start-up, theirs without). jixiao's bytecode is written first, as an install writes it. Sets:

- ``garbled``: held-out seed-layout PDFs drawn garbled by ``tools/heldout``
  (not the project's generator; fonts not embedded, cells to repair), goal >= 10x;
- ``tables``: the generator's hand specs as single ruled tables with every
  column over two pages, header repeated, merged 一级/二级 cells
  (samplegen.ruled_pdf); every third one a clipped spreadsheet export; goal >= 15x;
- ``seed``: the project generator's seed-layout filings whose every page is a table.

Each measure is taken ``--rounds`` times, interleaved, and the least CPU kept.

    PYTHONPATH=tools:tests .venv/bin/python benchmarks/bench_pdf_tables.py [--files N] [--set garbled,tables]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve()
GOALS = {"garbled": 10.0, "tables": 15.0, "seed": 10.0}


# ---------------------------------------------------------------- the sets

def garbled_set(out: Path, want: int) -> list[Path]:
    """Held-out seed-layout PDFs, garbled, by tools/heldout (its own writers, fonts and damage)."""
    from heldout.make import make

    return [out / truth["file"] for truth in make(out, want, garbled=True)]


def seed_set(out: Path, want: int) -> list[Path]:
    """Generated seed-layout filings whose pages are all table pages."""
    from bench_pdf import generated_pdfs  # the script beside this one

    return generated_pdfs(out, want, seed=11, count=16 + 8 * want,
                          keep=lambda kinds: all(k.startswith("fragment") for k in kinds))


def table_set(out: Path, want: int) -> list[Path]:
    """The generator's hand specs (real indicator texts) drawn as single ruled tables with every
    column, 8 indicator rows a page, the header repeated on every page, 一级/二级 merged over their
    groups; every third one clipped like a spreadsheet export."""
    from samplegen.generate import load_specs
    from samplegen.ruled_pdf import render

    return [render(out / f"{spec['id']}.pdf", _table_pages(spec, clip=n % 3 == 2), size=8)
            for n, spec in enumerate(load_specs()[:want])]


TABLE_HEADER = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评(扣)分标准", "分值"]
TABLE_WIDTHS = [58, 78, 140, 48, 48, 45, 170, 140, 35]


def _table_pages(spec: dict, *, clip: bool) -> list:
    from samplegen.ruled_pdf import Page

    indicators = spec["indicators"]
    pages = []
    for start in range(0, len(indicators), 8):
        rows = [list(TABLE_HEADER)] + _table_rows(indicators[start:start + 8])
        title = (f"{spec['year']}年{spec['department']}部门整体支出绩效目标表",) if not start else ("续表",)
        pages.append(Page(rows, TABLE_WIDTHS, title=title, clip=clip, wrap=True, row_height=30 if clip else None))
    return pages


def _table_rows(chunk: list[dict]) -> list[list]:
    """One page's indicator rows, 一级/二级 as one merged cell over each group of rows that share them."""
    from samplegen.ruled_pdf import Span

    rows: list[list] = []
    k = 0
    while k < len(chunk):
        group = 1
        while k + group < len(chunk) and (chunk[k + group]["level1"], chunk[k + group]["level2"]) == \
                (chunk[k]["level1"], chunk[k]["level2"]):
            group += 1
        for g in range(group):
            item = chunk[k + g]
            first = [Span(item["level1"], group), Span(item["level2"], group)] if g == 0 else [None, None]
            rows.append(first + [item["level3"], item["operator"] or "", item["target"] or "",
                                 item["unit"] or "", item["explanation"] or "", item["scoring_rule"] or "",
                                 "" if item["score"] is None else str(item["score"])])
        k += group
    return rows


SETS = {"garbled": garbled_set, "tables": table_set, "seed": seed_set}


# ---------------------------------------------------------------- the measured children

def _own_cpu() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_jixiao(paths: list[str], out: str) -> dict:
    """jixiao's whole convert after a warm-up convert of the first file (start-up paid)."""
    from jixiao.pipeline import convert

    convert(paths[:1], out + "-warm", memory=None, engine="serial", cache=False)
    started = _own_cpu()
    result = convert(paths, out, memory=None, engine="serial", cache=False)
    return {"cpu": _own_cpu() - started, "records": len(result.records)}


def child_camelot(paths: list[str], out: str) -> dict:
    """camelot's lattice on every page of every file, after a warm-up read of the first file."""
    import camelot

    camelot.read_pdf(paths[0], pages="all", flavor="lattice")
    started = _own_cpu()
    tables = sum(camelot.read_pdf(path, pages="all", flavor="lattice").n for path in paths)
    return {"cpu": _own_cpu() - started, "tables": tables}


def child_floor(paths: list[str], out: str) -> dict:
    """pdfium's text with every character's box, page by page: the floor of reading these pages."""
    import pypdfium2 as pdfium

    def read(path: str) -> int:
        document = pdfium.PdfDocument(path)
        chars = 0
        try:
            for page in document:
                textpage = page.get_textpage()
                textpage.get_text_range()
                for index in range(textpage.count_chars()):
                    textpage.get_charbox(index, loose=True)
                chars += textpage.count_chars()
                textpage.close()
                page.close()
        finally:
            document.close()
        return chars

    read(paths[0])
    started = _own_cpu()
    chars = sum(read(path) for path in paths)
    return {"cpu": _own_cpu() - started, "chars": chars}


CHILDREN = {"jixiao": child_jixiao, "camelot": child_camelot, "floor": child_floor}


# ---------------------------------------------------------------- the parent

def compile_bytecode() -> None:
    """Write jixiao's bytecode, as installing a package does: a checkout run with
    PYTHONDONTWRITEBYTECODE (set on some machines) or edited since its last run would otherwise
    compile its changed modules in every measured process (0.1-0.15 s of a cold convert)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("jixiao")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        compileall.compile_dir(folder, quiet=1)


@dataclass
class Run:
    cpu: float  # CPU seconds of the measured part (the whole process for the CLI)
    peak_mib: float  # the process's (and its children's) peak resident memory
    detail: dict


def spawn(argv: list[str], env: dict) -> tuple[float, float, int, str]:
    """Run ``argv`` to its end: its CPU seconds (children included), peak RSS in MiB, exit code, stdout."""
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        text = stdout.read().decode("utf-8", "replace")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, text


def measure_cli(paths: list[Path], out: Path, env: dict) -> Run:
    argv = [sys.executable, "-m", "jixiao.pipeline.cli", "convert", *map(str, paths), "-o", str(out),
            "--engine", "serial", "--no-memory", "--no-cache", "-q"]
    cpu, peak, code, _ = spawn(argv, env)
    if code not in (0, 1):
        raise SystemExit(f"jixiao convert exited {code}")
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    records = sum(1 for _ in (out / "records.jsonl").open(encoding="utf-8"))
    return Run(cpu, peak, {"records": records, "failed": sum(1 for e in manifest if e["status"] == "failed")})


def measure_child(kind: str, paths: list[Path], out: Path, env: dict) -> Run:
    cpu, peak, code, text = spawn([sys.executable, str(HERE), "--child", kind, "--out", str(out),
                                   *map(str, paths)], env)
    if code != 0:
        raise SystemExit(f"the {kind} measurement exited {code}")
    detail = json.loads(text.strip().splitlines()[-1])
    return Run(detail.pop("cpu"), peak, detail)


def fields_right(folder: Path, out: Path) -> str:
    """The structured fields read right, where the set has truth files (tests/real_scoring.py)."""
    import real_scoring

    truths = real_scoring.truths([str(folder)])
    if not truths:
        return ""
    records = real_scoring.read_records(out)
    rows = [real_scoring.score_file(t, records.get(t["file"], [])) for t in truths]
    return f", fields right {100 * real_scoring.summary(rows)['fields_right']:.1f} %"


def page_count(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in paths:
        document = pdfium.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def bench(name: str, folder: Path, paths: list[Path], rounds: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    best: dict[str, Run] = {}
    for round_ in range(rounds):
        # interleaved, so that a passing load weighs on every measure alike
        for label, measure in (("cli", lambda out: measure_cli(paths, out, env)),
                               ("jixiao", lambda out: measure_child("jixiao", paths, out, env)),
                               ("camelot", lambda out: measure_child("camelot", paths, out, env)),
                               ("floor", lambda out: measure_child("floor", paths, out, env))):
            run = measure(folder.parent / f"out-{name}-{label}-{round_}")
            if label not in best or run.cpu < best[label].cpu:
                best[label] = run
    pages = page_count(paths)
    cli, warm, camelot, floor = best["cli"], best["jixiao"], best["camelot"], best["floor"]
    print(f"[{name}] {len(paths)} PDFs, {pages} pages, all of them tables; CPU, best of {rounds}")
    print(f"  {'':34}{'CPU s':>8}{'ms/page':>9}{'peak MiB':>10}")
    rows = (("jixiao convert (CLI, cold)", cli,
             f"{cli.detail['records']} records, {cli.detail['failed']} failed"
             + fields_right(folder, folder.parent / f"out-{name}-cli-0")),
            ("jixiao convert (warm)", warm, f"{warm.detail['records']} records"),
            ("camelot lattice (warm)", camelot, f"{camelot.detail['tables']} tables, raw"),
            ("pdfium text + boxes (floor)", floor, f"{floor.detail['chars']} characters"))
    for label, run, note in rows:
        print(f"  {label:34}{run.cpu:8.2f}{1000 * run.cpu / pages:9.1f}{run.peak_mib:10.0f}   {note}")
    ratio = camelot.cpu / cli.cpu
    print(f"  camelot / jixiao CLI: {ratio:.1f}x (goal >= {GOALS[name]:g}x); camelot / jixiao warm: "
          f"{camelot.cpu / warm.cpu:.1f}x; jixiao warm / floor: {warm.cpu / floor.cpu:.1f}x\n")
    return ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10, help="PDFs per set (default 10)")
    parser.add_argument("--set", default="garbled,tables", help="comma-separated: garbled, tables, seed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.paths, args.out)))
        return 0
    print(f"bench_pdf_tables: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-tables-") as tmp:
        for name in args.set.split(","):
            folder = Path(tmp) / name / "pdfs"
            folder.mkdir(parents=True)
            paths = SETS[name](folder, args.files)
            if not paths:
                print(f"[{name}] no PDF was generated", file=sys.stderr)
                return 1
            bench(name, folder, paths, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
