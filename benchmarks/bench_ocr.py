"""OCR throughput on 2 cores: pages per second and peak memory of `jixiao convert` on scans (issue 21).

    python benchmarks/bench_ocr.py [--scans DIR ...] [--workers 1,2]

Converts the committed scans (samples/scanned/: image-only PDFs and one folder of PNG pages), or the
folders given with --scans (e.g. build/realscans, the real-truth scans benchmarks/eval_realscans.py
draws: 70 scans, some minutes per run), each set in a fresh `jixiao convert` process with --no-memory and --no-cache, once per number
of workers. It prints pages per second (wall clock) and the peak RSS of the largest
process and of the whole process tree, with the load average: the machine is shared, and wall
time depends on its load. Issue 21 asks these figures be reported; it sets no goal for them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import run  # noqa: E402  (a fresh convert process, its peak RSS sampled)


def scanned_pages(folder: Path) -> int:
    """Pages of every scan in ``folder``: PDF pages, and the images of each ``*.pages`` folder."""
    import pypdfium2 as pdfium

    pages = 0
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".pdf":
            document = pdfium.PdfDocument(str(path))
            pages += len(document)
            document.close()
        elif path.is_dir() and path.name.endswith(".pages"):
            pages += sum(1 for p in path.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff"))
        elif path.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            pages += 1
    return pages


def corpus(source: Path, target: Path) -> Path:
    """The scans of ``source`` alone (no truth or expected files) in ``target``; (cid:N) PDFs left out."""
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        if path.name.endswith(".json") or path.name.endswith("-cid.pdf"):
            continue
        (shutil.copytree if path.is_dir() else shutil.copy)(path, target / path.name)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=Path, action="append", default=None)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args(argv)
    sets = args.scans or [ROOT / "samples" / "scanned"]
    print(f"bench_ocr: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-ocr-") as tmp:
        for source in sets:
            scans = corpus(source, Path(tmp) / source.name)
            pages = scanned_pages(scans)
            for workers in (int(w) for w in args.workers.split(",")):
                result = run(scans, Path(tmp) / f"out-{source.name}-{workers}", "--workers", str(workers))
                rate = pages / result["seconds"]
                figures[f"{source.name}/{workers}"] = {"pages": pages, "pages_per_s": rate, **result}
                print(f"  {source.name:<12} {workers} worker(s)  {result['inputs']:>3} scans  {pages:>4} pages  "
                      f"{result['seconds']:7.1f} s  {rate:5.2f} pages/s  peak RSS {result['peak_mib']:6.0f} MiB "
                      f"(tree {result['tree_mib']:.0f} MiB)  failed {result['failed']}  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(json.dumps(figures, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
