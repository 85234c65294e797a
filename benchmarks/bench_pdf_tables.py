"""PDF speed on pages that are tables: jixiao's whole conversion against camelot's lattice, in CPU seconds.

Issue 12's acceptance: on PDFs whose pages are mostly tables (filler pages
are skipped cheaply and would flatter jixiao), the serial engine's whole
conversion (locate + extract + layout + repair + join, no repair memory) takes
at least 10× less CPU than ``camelot.read_pdf(path, pages="all",
flavor="lattice")`` on the same files, which only finds raw tables. Two sets:

- ``seed``: the seed's split layout as the generator draws it, only the filings
  whose every page is a table page (no filler);
- ``tables``: the generator's hand specs as single ruled tables with every
  column over two pages, header repeated, merged 一级/二级 cells
  (tests/ruled_pdf.py); every third one is a clipped spreadsheet export.

CPU time is this process's plus its children's (camelot may call out), measured
after a warm-up conversion, so start-up is not counted; wall time is printed too.

    PYTHONPATH=tools:tests .venv/bin/python benchmarks/bench_pdf_tables.py [--files N] [--set seed|tables|both]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def seed_set(out: Path, want: int) -> list[Path]:
    """Generated seed-layout filings whose pages are all table pages."""
    from bench_pdf import generated_pdfs  # the script beside this one

    return generated_pdfs(out, want, seed=11, count=16 + 8 * want,
                          keep=lambda kinds: all(k.startswith("fragment") for k in kinds))


def table_set(out: Path, want: int) -> list[Path]:
    """The generator's hand specs (real indicator texts) drawn as single ruled tables with every
    column, 8 indicator rows a page, the header repeated on every page, 一级/二级 merged over their
    groups; every third one clipped like a spreadsheet export."""
    from samplegen.ruled_pdf import Page, Span, render
    from samplegen.generate import load_specs

    header = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评(扣)分标准", "分值"]
    widths = [58, 78, 140, 48, 48, 45, 170, 140, 35]
    paths = []
    for n, spec in enumerate(load_specs()[:want]):
        clip = n % 3 == 2
        indicators = spec["indicators"]
        pages = []
        for start in range(0, len(indicators), 8):
            chunk = indicators[start:start + 8]
            rows: list[list] = [list(header)]
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
            title = (f"{spec['year']}年{spec['department']}部门整体支出绩效目标表",) if not start else ("续表",)
            pages.append(Page(rows, widths, title=title, clip=clip, wrap=True, row_height=30 if clip else None))
        paths.append(render(out / f"{spec['id']}.pdf", pages, size=8))
    return paths


def measure(name: str, paths: list[Path]) -> float:
    import camelot

    from jixiao.pipeline import convert

    from bench_pdf import page_count  # the script beside this one

    pages = sum(page_count(p) for p in paths)
    convert([str(paths[0])], memory=None, engine="serial")  # warm-up: imports, dictionaries

    c0, w0 = cpu(), time.perf_counter()
    result = convert([str(p) for p in paths], memory=None, engine="serial")
    jixiao_cpu, jixiao_wall = cpu() - c0, time.perf_counter() - w0
    failed = [e.source for e in result.manifest if e.status.value == "failed"]

    c0, w0 = cpu(), time.perf_counter()
    tables = sum(camelot.read_pdf(str(p), pages="all", flavor="lattice").n for p in paths)
    camelot_cpu, camelot_wall = cpu() - c0, time.perf_counter() - w0

    print(f"[{name}] {len(paths)} PDFs, {pages} pages, all of them tables")
    print(f"{'':34}{'CPU s':>8}{'wall s':>8}{'ms/page':>9}")
    print(f"{'jixiao convert (serial, all)':34}{jixiao_cpu:8.2f}{jixiao_wall:8.2f}{1000 * jixiao_cpu / pages:9.1f}"
          f"   {len(result.records)} records, {len(failed)} failed")
    print(f"{'camelot lattice (raw tables)':34}{camelot_cpu:8.2f}{camelot_wall:8.2f}"
          f"{1000 * camelot_cpu / pages:9.1f}   {tables} tables")
    ratio = camelot_cpu / jixiao_cpu
    print(f"ratio camelot / jixiao CPU: {ratio:.1f}x (goal >= 10x)\n")
    return ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10, help="PDFs per set (default 10)")
    parser.add_argument("--set", choices=("seed", "tables", "both"), default="both")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-tables-") as tmp:
        for name, make in (("seed", seed_set), ("tables", table_set)):
            if args.set not in (name, "both"):
                continue
            folder = Path(tmp) / name
            folder.mkdir()
            paths = make(folder, args.files)
            if not paths:
                print(f"[{name}] no PDF was generated", file=sys.stderr)
                return 1
            measure(name, paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
