"""Held-out PDFs in CJK fonts they do not embed, read with and without the machine's fonts (issue 20).

    PYTHONPATH=tools:tests .venv/bin/python benchmarks/eval_heldout_pdf.py [--count 8] [--keep DIR]
    (make eval runs it)

tools/heldout/ writes seed-layout filings by two writers that are not the project's
generator (its own PDF writer with SimSun as a non-embedded CIDFontType2, some with numbers
in a Type 3 font; a reportlab script with STSong-Light, some with an embedded Vera subset).
Each batch is converted twice by `jixiao convert` (no repair memory, no cache): as the
machine is, and with every font folder hidden (tests/hidden_fonts.py; skipped, and said so,
where unshare is not allowed). Printed: the structured fields right by the real-filing rules
(tests/real_scoring.py: level1, level2, level3, operator, target, unit, score), rows found,
junk records, and whether records.jsonl is byte-identical both ways.

Goal: identical with and without fonts, structured fields >= 99 %.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import hidden_fonts
import real_scoring
from heldout.make import make

GOAL = 0.99


def convert(folder: Path, out: Path, *, hide_fonts: bool) -> None:
    argv = [sys.executable, "-m", "jixiao.pipeline.cli", "convert", str(folder), "-o", str(out),
            "--no-memory", "--no-cache", "-q"]
    result = (hidden_fonts.run if hide_fonts else subprocess.run)(argv, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"jixiao convert failed ({result.returncode}): {result.stderr[-2000:]}")


def score(folder: Path, out: Path) -> dict:
    records = real_scoring.read_records(out)
    rows = [real_scoring.score_file(t, records.get(t["file"], [])) for t in real_scoring.truths([str(folder)])]
    return real_scoring.summary(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8, help="held-out PDFs to make (default 8)")
    parser.add_argument("--keep", type=Path, help="make them here and keep them (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "heldout"
        truths = make(folder, args.count)
        print(f"{len(truths)} held-out PDFs in {folder}: "
              + ", ".join(sorted({t['fonts'] for t in truths})))
        conditions = [("with the machine's fonts", False)]
        reason = hidden_fonts.unavailable()
        if reason is None:
            conditions.append(("with every font folder hidden", True))
        outputs = {}
        for label, hide in conditions:
            out = Path(tmp) / ("out-hidden" if hide else "out-fonts")
            convert(folder, out, hide_fonts=hide)
            figures = score(folder, out)
            outputs[hide] = (out / "records.jsonl").read_bytes()
            mark = "" if figures["fields_right"] >= GOAL else "   BELOW GOAL"
            print(f"{label:32} structured fields right {figures['fields_right']:.1%}, rows found "
                  f"{figures['rows_found']:.1%}, junk records {figures['junk_records']}, "
                  f"records {figures['records']}/{figures['rows']}{mark}")
        if reason is not None:
            print(f"not read without fonts: {reason}")
        else:
            same = outputs[False] == outputs[True]
            print(f"records.jsonl with and without fonts: {'byte-identical' if same else 'DIFFERENT'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
