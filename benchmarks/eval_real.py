"""Accuracy on real filings with hand-written truth, per layout family and per text form.

    PYTHONPATH=tools:tests python benchmarks/eval_real.py [FOLDER ...]   (make eval runs it)

Converts every real filing in samples/real/ (and ../shared/real/ when present) with
no repair memory, then scores the records against the truth with the shared scorer
(../shared/tools/score_real.py when present, else the same rules re-implemented in
tests/real_scoring.py): rows found, fields right (level1, level2, level3, operator,
target, unit, score), rows fully right and junk records. Figures on real filings are
reported apart from generated ones; nothing here is generated.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jixiao.extractors.text import decode
from jixiao.extractors.text_grid import detect_form
from jixiao.pipeline import convert

import real_scoring

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "samples" / "real"]


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or DEFAULT
    rows = []
    for folder in folders:
        truths = real_scoring.truths([str(folder)])
        with tempfile.TemporaryDirectory() as tmp:
            result = convert([str(folder)], Path(tmp) / "out", memory=None, cache=False)
            records = real_scoring.read_records(Path(tmp) / "out")
        statuses = {Path(e.source).name: e.status.value for e in result.manifest}
        for truth in truths:
            name = truth["file"]
            text, _ = decode((folder / name).read_bytes(), name)
            score = real_scoring.score_file(truth, records.get(name, []))
            rows.append({"file": name, "family": truth.get("family") or "no_table", "kind": truth.get("kind") or "none",
                         "form": detect_form(text.splitlines()), "status": statuses.get(name, "missing"),
                         **score})
    report(rows)
    return 0


def _batch(name: str) -> str:
    """Which collection a real filing came in, by its number: 01–49 the first collection, then the
    held-out batches 50–59, 60–69, 70–79, 80–89 (samples/real/README.md)."""
    number = int(name[:2]) if name[:2].isdigit() else 0
    return "first (01-49)" if number < 50 else f"held-out {number // 10 - 4} ({number // 10}x)"


def _line(label: str, group: list[dict]) -> str:
    total = defaultdict(int)
    for row in group:
        for key in ("rows", "found", "rows_right", "fields", "fields_right", "records", "junk"):
            total[key] += row[key]
    found = total["found"] / max(1, total["rows"])
    fields = total["fields_right"] / max(1, total["fields"])
    whole = total["rows_right"] / max(1, total["rows"])
    failed = sum(1 for row in group if row["status"] == "failed")
    return (f"{label:<22} {len(group):>3} files  rows found {found:6.1%}  fields right {fields:6.1%}  "
            f"rows fully right {whole:6.1%}  junk {total['junk']:>3} of {total['records']:>3} records  "
            f"failed {failed}")


def report(rows: list[dict]) -> None:
    print("Real filings (hand-written truth), per file:")
    for row in rows:
        print(f"  {row['file']:<44} {row['family']:<16} {row['form']:<10} {row['status']:<8} "
              f"{row['found']}/{row['rows']} rows, {row['fields_right']}/{row['fields']} fields, junk {row['junk']}")
    print("\nper family:")
    for family in sorted({r["family"] for r in rows}):
        print("  " + _line(family, [r for r in rows if r["family"] == family]))
    print("per kind:")
    for kind in sorted({r["kind"] for r in rows}):
        print("  " + _line(kind, [r for r in rows if r["kind"] == kind]))
    print("per collection batch (samples/real/README.md: files 50-57, 60-65, 70-77, 80-… came in held-out")
    print("batches, each measured before any change was made for it; the figure there is the held-out one):")
    for batch in sorted({_batch(r["file"]) for r in rows}):
        print("  " + _line(batch, [r for r in rows if _batch(r["file"]) == batch]))
    print("per text form (as jixiao detects it):")
    for form in sorted({r["form"] for r in rows}):
        print("  " + _line(form, [r for r in rows if r["form"] == form]))
    print("  " + _line("ALL REAL", rows))
    print(json.dumps({"summary": real_scoring.summary(rows)}, ensure_ascii=False))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
