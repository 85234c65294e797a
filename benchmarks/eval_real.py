"""Accuracy on real filings with hand-written truth, per layout family and per text form.

    PYTHONPATH=tools:tests python benchmarks/eval_real.py [FOLDER ...]   (make eval runs it)

Converts every real filing in samples/real/ (its tuning set and its frozen holdout, files 70-97),
../shared/real/ when present, and each never-opened batch of samples/holdout/ with no repair
memory, then scores the records against the truth with the rules of the shared scorer
(tests/real_scoring.py re-implements ../shared/tools/score_real.py): rows found, fields right
(level1, level2, level3, operator, target, unit, score), rows fully right and junk records,
per file, family, kind, batch, form and set; each set is reported apart. Nothing here is generated.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jixiao.pipeline import convert

import real_scoring

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "real"
HOLDOUT = ROOT / "samples" / "holdout"


def _sets() -> list[tuple[str, Path]]:
    """(set, folder) of every real folder: the tuning set and frozen holdout of samples/real, the shared
    workbooks and pages, and each never-opened batch of samples/holdout."""
    sets = [("samples/real", ROOT / "samples" / "real")]
    if SHARED.is_dir():
        sets.append(("../shared/real", SHARED))
    sets += [(f"holdout {batch.name} (never opened)", batch) for batch in sorted(HOLDOUT.glob("batch*"))]
    return sets


def main(argv: list[str]) -> int:
    chosen = [(str(a), Path(a)) for a in argv] or _sets()
    rows = []
    for label, folder in chosen:
        rows += _scored(label, folder)
    report(rows)
    return 0


def _scored(label: str, folder: Path) -> list[dict]:
    truths = real_scoring.truths([str(folder)])
    with tempfile.TemporaryDirectory() as tmp:
        result = convert([str(folder)], Path(tmp) / "out", memory=None, cache=False)
        records = real_scoring.read_records(Path(tmp) / "out")
        forms = {Path(f["source"]).name: (f.get("report") or {}).get("form") or f.get("route")
                 for f in map(json.loads, (Path(tmp) / "out" / "filings.jsonl").read_text(encoding="utf-8").splitlines())}
    statuses = {Path(e.source).name: e.status.value for e in result.manifest}
    rows = []
    for truth in truths:
        name = truth["file"]
        score = real_scoring.score_file(truth, records.get(name, []))
        part = label if label != "samples/real" else (
            "samples/real frozen holdout (70-97)" if real_scoring.frozen(name) else "samples/real tuning set")
        rows.append({"file": name, "set": part, "family": truth.get("family") or "no_table",
                     "kind": truth.get("kind") or "none", "form": forms.get(name) or "failed",
                     "status": statuses.get(name, "missing"), **score})
    return rows


def _batch(row: dict) -> str:
    """Which collection a real filing came in (samples/real/README.md), or the set it is in."""
    if not row["set"].startswith("samples/real"):
        return row["set"]
    number = real_scoring.collection(row["file"])
    return "first (01-49)" if number == 0 else f"batch {number}"


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
    print("per collection batch (each was scored once on arrival, before any change for it; that figure is")
    print("in samples/real/README.md and samples/holdout/README.md; these are today's):")
    for batch in sorted({_batch(r) for r in rows}):
        print("  " + _line(batch, [r for r in rows if _batch(r) == batch]))
    print("per form (as the reading report names it):")
    for form in sorted({r["form"] for r in rows}):
        print("  " + _line(form, [r for r in rows if r["form"] == form]))
    print("per set (the tuning set is what rules were written for; the frozen holdout and the never-opened")
    print("batches were not looked at while writing them):")
    for part in sorted({r["set"] for r in rows}):
        print("  " + _line(part[:22], [r for r in rows if r["set"] == part]) + f"   [{part}]")
    print("  " + _line("ALL REAL", rows))
    print(json.dumps({"summary": real_scoring.summary(rows),
                      "sets": {part: real_scoring.summary([r for r in rows if r["set"] == part])
                               for part in sorted({r["set"] for r in rows})}}, ensure_ascii=False))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
