"""atheris (libFuzzer) harness for the text extractor and the PDF route.

    python fuzz/fuzz_extract.py text|pdf [SECONDS]      # or: make fuzz FUZZ_SECONDS=60

The target's grids, read by the layout reader, must make a Filing or raise
ExtractionError (which becomes a clear manifest line); any other exception is a crash: libFuzzer stops and
writes the input to ``fuzz/crashes/<target>-crash-<sha1>``. Seeds are the
seed filing and the generated samples (text) or small generated PDFs plus the
bad-input corpus's small PDFs (pdf). For the PDF target, repair runs too, on
the filing found. OCR is replaced by a stub that raises ExtractionError: a
page of OCR takes seconds, which would leave too few executions to find
anything in the parsing (OCR has its own tests). Progress goes to
``fuzz/stats-<target>.json``: executions, seconds, crashes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

with atheris.instrument_imports():
    from jixiao.extractors import route
    from jixiao.extractors.base import ExtractionError
    from jixiao.extractors.route import extract_pdf_routed
    from jixiao.extractors.text import extract_text
    from jixiao.reader import read_layout
    from jixiao.pipeline.runner import build_index, repair_and_join


def _no_ocr(source, data, pages, errors):
    raise ExtractionError(f"{source}: OCR is stubbed out in the fuzzer")


route._ocr = _no_ocr
STATS = {"executions": 0, "crashes": 0, "seconds": 0.0}


def seeds(target: str) -> list[Path]:
    if target == "text":
        return [ROOT / "samples/seed_hengyang_emergency_management.txt",
                *sorted((ROOT / "samples/generated").glob("*.txt"))[:4]]
    return sorted((ROOT / "samples/generated").glob("*.pdf"), key=lambda p: p.stat().st_size)[:3]


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else "text"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("FUZZ_SECONDS", 60))
    extract = extract_text if target == "text" else extract_pdf_routed
    corpus = HERE / f"corpus-{target}"
    corpus.mkdir(exist_ok=True)
    for seed in seeds(target):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    stats_path = HERE / f"stats-{target}.json"
    started = time.monotonic()

    def save() -> None:
        STATS["seconds"] = round(time.monotonic() - started, 1)
        stats_path.write_text(json.dumps({"target": target, **STATS}))

    def one_input(data: bytes) -> None:
        STATS["executions"] += 1
        if STATS["executions"] % 10 == 0:
            save()
        try:
            filing = read_layout(extract(f"fuzz.{target}", data))
        except ExtractionError:
            return
        except BaseException:
            STATS["crashes"] += 1
            save()
            raise
        try:
            outcome = repair_and_join(filing, build_index([filing]))
            if "repair crashed" in (outcome.entry.error or ""):
                raise RuntimeError(outcome.entry.error)
        except BaseException:
            STATS["crashes"] += 1
            save()
            raise

    save()
    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-max_len=65536",
                   f"-artifact_prefix={crashes}/{target}-", "-rss_limit_mb=3000", "-timeout=20"], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
