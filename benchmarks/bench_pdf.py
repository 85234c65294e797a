"""PDF speed: jixiao's whole conversion against camelot's raw lattice extraction.

Both run side by side in one process on the same generated disclosures (10+
pages each, the performance-goal table on 3 of them, filler tables and prose
on the rest). jixiao's time covers locate + extract + repair + join of every
filing (``convert``, no repair memory); camelot's covers only
``camelot.read_pdf(path, pages="all", flavor="lattice")``, i.e. raw tables.
Goal (issue #3): jixiao ≥ 5× camelot's pages per second.

    .venv/bin/python benchmarks/bench_pdf.py [--files N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium


def generated_pdfs(out: Path, want: int, *, seed: int, count: int, keep) -> list[Path]:
    """Generate ``count`` seed-layout PDFs and pick the first ``want`` whose page kinds
    (``fragment…``, filler, …) ``keep`` accepts."""
    from samplegen.generate import generate

    chosen = []
    for case in generate(out, seed=seed, count=count, forms=("pdf",)):
        truth = json.loads((out / case["files"]["truth"]).read_text(encoding="utf-8"))
        if keep([p["kind"] for p in truth["pdf_layout"]["pages"]]):
            chosen.append(out / case["files"]["pdf"])
        if len(chosen) == want:
            break
    return chosen


def disclosures(out: Path, want: int) -> list[Path]:
    """Generate filings until ``want`` of them are 10+ pages with the table on exactly 3."""
    return generated_pdfs(out, want, seed=7, count=16 + 6 * want,
                          keep=lambda kinds: len(kinds) >= 10
                          and sum(1 for k in kinds if k.startswith("fragment")) == 3)


def page_count(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=6, help="number of disclosures (default 6)")
    args = parser.parse_args(argv)

    import camelot

    from jixiao.pipeline import convert

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as tmp:
        paths = disclosures(Path(tmp), args.files)
        if not paths:
            print("no disclosure of 10+ pages with a 3-page table was generated", file=sys.stderr)
            return 1
        pages = sum(page_count(p) for p in paths)
        convert([str(paths[0])], memory=None)  # warm-up: imports, jieba's dictionary

        started = time.perf_counter()
        result = convert([str(p) for p in paths], memory=None)
        jixiao_seconds = time.perf_counter() - started
        failed = [e.source for e in result.manifest if e.status.value == "failed"]

        started = time.perf_counter()
        tables = 0
        for path in paths:
            tables += camelot.read_pdf(str(path), pages="all", flavor="lattice").n
        camelot_seconds = time.perf_counter() - started

    jixiao_rate, camelot_rate = pages / jixiao_seconds, pages / camelot_seconds
    print(f"{len(paths)} disclosures, {pages} pages (table on 3 pages of each)")
    print(f"{'':32}{'seconds':>10}{'pages/s':>10}")
    print(f"{'jixiao convert (all stages)':32}{jixiao_seconds:10.2f}{jixiao_rate:10.1f}"
          f"   {len(result.records)} records, {len(failed)} failed")
    print(f"{'camelot lattice (raw tables)':32}{camelot_seconds:10.2f}{camelot_rate:10.1f}   {tables} tables")
    print(f"ratio jixiao / camelot: {jixiao_rate / camelot_rate:.1f}x (goal >= 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
