"""Batch throughput, side by side in one run: workers, batch size, Dask vs local.

    python benchmarks/bench_batch.py                 # defaults below
    JIXIAO_BENCH_SMALL=100 JIXIAO_BENCH_LARGE=10000 JIXIAO_BENCH_DASK=1000 python benchmarks/bench_batch.py

Goals (issue #6): 2 workers ≥ 1.7× the filings/s of 1 worker; per-filing time of
the large batch ≤ 1.5× the small one's, and (issue 22) its per-filing CPU, workers
included, ≤ 1.1× with the default local engine; peak RSS < 1 GiB; Dask LocalCluster ≤ 1.5×
the local engine's time. Each run is a fresh `jixiao convert` subprocess with
--no-memory and --no-cache, so nothing is reused between runs. Filings are
generated text dumps, plus PDFs once extractors/pdf.py exists.
Sizes: JIXIAO_BENCH_SCALING (workers comparison, default 200), JIXIAO_BENCH_SMALL
(100), JIXIAO_BENCH_LARGE (2000), JIXIAO_BENCH_DASK (1000); JIXIAO_BENCH_ONLY=workers,size,dask
picks sections. The machine should be otherwise idle: other load flattens the speed-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF = (ROOT / "src/jixiao/extractors/pdf.py").exists()


def generate(folder: Path, count: int) -> Path:
    forms = "txt,pdf" if PDF else "txt"
    target = folder / f"corpus-{count}"
    if not target.exists():
        subprocess.run([sys.executable, "-m", "samplegen.generate", "--out", str(target),
                        "--count", str(count), "--forms", forms], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
        for truth in target.glob("*.truth.json"):
            truth.unlink()
        if PDF:  # mixed: half the filings as text, the other half as PDF
            for number, path in enumerate(sorted(target.glob("*.txt"))):
                (path if number % 2 else path.with_suffix(".pdf")).unlink(missing_ok=True)
    return target


def run(corpus: Path, out: Path, *extra: str) -> dict:
    """One conversion in a fresh process: wall time, filings, and peak RSS sampled over its process tree."""
    import psutil

    started = time.perf_counter()
    # progress events go to a file: a pipe nobody reads until the end fills up and blocks the run
    events = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "jixiao.pipeline.cli", "convert", str(corpus), "-o",
                                str(out), "--no-memory", "--no-cache", "--log-json", *extra],
                               stdout=events, stderr=subprocess.DEVNULL, text=True)
    root = psutil.Process(process.pid)
    peak_one = peak_tree = 0
    # CPU per process of the tree, as last sampled: the local engine's workers are the forkserver's
    # children, whose time no wait4 of this process collects (a tail under 0.1 s per process is lost)
    cpu_seen: dict[int, float] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            sizes = []
            for member in tree:
                try:
                    with member.oneshot():
                        sizes.append(member.memory_info().rss)
                        times = member.cpu_times()
                    cpu_seen[member.pid] = times.user + times.system
                except psutil.Error:
                    pass
            peak_one, peak_tree = max(peak_one, *sizes, 0), max(peak_tree, sum(sizes))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    events.seek(0)
    stdout = events.read()
    events.close()
    summary = json.loads(stdout.splitlines()[-1])
    cpu = sum(cpu_seen.values())
    return {"seconds": seconds, "inputs": summary["inputs"], "failed": summary["failed"],
            "per_filing": seconds / max(summary["inputs"], 1), "cpu": cpu,
            "cpu_per_filing": cpu / max(summary["inputs"], 1), "peak_mib": peak_one / 2**20,
            "tree_mib": peak_tree / 2**20}


def line(label: str, result: dict) -> None:
    print(f"  {label:<28} {result['inputs']:>6} filings  {result['seconds']:8.1f} s  "
          f"{result['inputs'] / result['seconds']:7.1f} filings/s  {1000 * result['per_filing']:7.1f} ms/filing"
          f"  CPU {1000 * result['cpu_per_filing']:6.1f} ms/filing  failed {result['failed']}")


def main() -> int:
    scaling = int(os.environ.get("JIXIAO_BENCH_SCALING", 200))
    small = int(os.environ.get("JIXIAO_BENCH_SMALL", 100))
    large = int(os.environ.get("JIXIAO_BENCH_LARGE", 2000))
    dask_n = int(os.environ.get("JIXIAO_BENCH_DASK", 1000))
    only = set(os.environ.get("JIXIAO_BENCH_ONLY", "workers,size,dask").split(","))
    print(f"bench_batch: {'text+PDF' if PDF else 'text only (extractors/pdf.py not present)'}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        folder = Path(tmp)

        if "workers" in only:
            workers_section(folder, scaling)
        if "size" in only:
            size_section(folder, small, large)
        if "dask" in only:
            dask_section(folder, dask_n)
    return 0


def workers_section(folder: Path, scaling: int) -> None:
        print("workers (local engine)")
        corpus = generate(folder, scaling)
        one = run(corpus, folder / "w1", "--workers", "1")
        line("1 worker", one)
        two = run(corpus, folder / "w2", "--workers", "2")
        line("2 workers", two)
        print(f"  speed-up 2 vs 1 workers: {one['seconds'] / two['seconds']:.2f}x  (goal >= 1.7)")



def size_section(folder: Path, small: int, large: int) -> None:
        print("batch size (the default local engine: a worker per core)")
        small_run = run(generate(folder, small), folder / "small")
        line(f"{small} filings", small_run)
        large_run = run(generate(folder, large), folder / "large")
        line(f"{large} filings", large_run)
        print(f"  per-filing time {large} vs {small}: {large_run['per_filing'] / small_run['per_filing']:.2f}x "
              f"(issue 6's goal <= 1.5); per-filing CPU of the process tree: "
              f"{large_run['cpu_per_filing'] / small_run['cpu_per_filing']:.2f}x (issue 22's goal <= 1.1)")
        for label, result in ((small, small_run), (large, large_run)):
            print(f"  peak RSS, {label} filings: largest process {result['peak_mib']:.0f} MiB (goal < 1024), "
                  f"whole process tree {result['tree_mib']:.0f} MiB")



def dask_section(folder: Path, dask_n: int) -> None:
        print("Dask LocalCluster vs local engine (2 workers)")
        corpus = generate(folder, dask_n)
        local = run(corpus, folder / "local", "--workers", "2")
        line("local", local)
        dask = run(corpus, folder / "dask", "--engine", "dask", "--workers", "2")
        line("dask LocalCluster", dask)
        same = all((folder / "local" / name).read_bytes() == (folder / "dask" / name).read_bytes()
                   for name in ("records.jsonl", "manifest.jsonl", "filings.jsonl"))
        print(f"  dask / local time: {dask['seconds'] / local['seconds']:.2f}x  (goal <= 1.5); "
              f"identical outputs: {same}")


if __name__ == "__main__":
    sys.exit(main())
