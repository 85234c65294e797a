"""Repair cost per filing as the batch grows: 100, 1,000 and 10,000 generated filings.

    python benchmarks/bench_repair.py [--sizes 100,1000,10000] [--sample 150]

For each batch size the script generates text filings (samples/generate.py),
extracts them all, builds the batch passage index over all of them, and then
times repair + join for the same number of filings (``--sample``, drawn at
random from the batch), because repair cost per field is what must stay
flat as the corpus grows. It prints per-filing times side by side, the
ratio of the largest batch to the smallest (goal ≤ 1.5), the index size and
the peak memory (RSS) of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from jixiao.pipeline.runner import build_index, extract_source, repair_and_join
from jixiao.repair.memory import CombinedIndex
from samplegen.generate import generate


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, sample: int, workdir: Path) -> dict:
    folder = workdir / f"batch-{size}"
    generate(folder, seed=7, count=size, forms=("txt",))
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    started = time.perf_counter()
    filings = [extract_source(p) for p in paths]
    extracted = time.perf_counter()
    index = build_index(filings)
    indexed = time.perf_counter()
    combined = CombinedIndex(index)
    chosen = random.Random(size).sample(filings, min(sample, len(filings)))
    repair_started = time.perf_counter()
    for filing in chosen:
        repair_and_join(filing, combined)
    repair_seconds = time.perf_counter() - repair_started
    return {
        "filings": len(filings),
        "passages": len(index),
        "extract_ms": (extracted - started) / len(filings) * 1000,
        "index_s": indexed - extracted,
        "repair_ms": repair_seconds / len(chosen) * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--sample", type=int, default=150, help="filings repaired per batch size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-repair-") as tmp:
        for size in sizes:
            row = measure(size, args.sample, Path(tmp))
            rows.append(row)
            print(f"  batch {row['filings']:>6} filings: {row['passages']:>7} passages, "
                  f"extract {row['extract_ms']:.1f} ms/filing, index {row['index_s']:.1f} s, "
                  f"repair+join {row['repair_ms']:.1f} ms/filing, peak RSS {row['peak_rss_mib']:.0f} MiB",
                  flush=True)
    ratio = rows[-1]["repair_ms"] / rows[0]["repair_ms"]
    verdict = "ok" if ratio <= 1.5 else "ABOVE goal 1.5"
    print(f"repair per filing, {rows[-1]['filings']} vs {rows[0]['filings']} filings: {ratio:.2f}x ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
