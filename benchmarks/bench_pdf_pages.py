"""PDF extraction time per page, in CPU milliseconds (issue 20: it must not grow unnoticed).

    PYTHONPATH=tools:tests .venv/bin/python benchmarks/bench_pdf_pages.py [--rounds 5] [FOLDER]
    (make bench runs it on samples/)

Over every text-layer PDF of FOLDER (scans left out): ``read_page`` (a page's characters,
ruling lines and clips: what each page a table is read from costs) on every page, and the
whole ``extract_pdf`` (locating the table pages, then reading them) divided by all pages.
The best of ``--rounds`` rounds after a warm-up, so that another process on the machine
counts as little as it can. Run it with the fonts hidden (tests/hidden_fonts.py) to see
that the figure does not depend on them either.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pypdfium2 as pdfium

from jixiao.extractors.pdf import extract_pdf
from jixiao.extractors.pdf_page import PdfFile, read_page

ROOT = Path(__file__).resolve().parent.parent


def pdfs(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in sorted(folder.rglob("*.pdf"))
            if "scan" not in p.name and p.parent.name != "scanned"]


def read_every_page(files: list[tuple[str, bytes]]) -> int:
    pages = 0
    for _, data in files:
        document = pdfium.PdfDocument(data)
        try:
            pdf = PdfFile(document, data)
            for index in range(len(document)):
                read_page(pdf, index)
                pages += 1
        finally:
            document.close()
    return pages


def extract_every_file(files: list[tuple[str, bytes]]) -> None:
    for source, data in files:
        try:
            extract_pdf(source, data)
        except Exception:  # a sample that is no filing (the page with no table): its time counts too
            pass


def best(work, rounds: int) -> float:
    work()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    files = pdfs(args.folder)
    pages = read_every_page(files)
    read = best(lambda: read_every_page(files), args.rounds)
    whole = best(lambda: extract_every_file(files), args.rounds)
    print(f"{len(files)} PDFs, {pages} pages: read_page {1000 * read / pages:.2f} ms a page, "
          f"extract_pdf {1000 * whole / pages:.2f} ms a page (CPU, best of {args.rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
