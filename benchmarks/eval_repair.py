"""Repair accuracy on the generated corpus against its ground truth.

    python benchmarks/eval_repair.py [FOLDER_OR_FILES ...]   (default: samples/generated/*.txt)

Prints character precision (no invented characters), recall against the raw
baseline, the share of restorable missing characters restored, flag recall,
and structured-field accuracy. Goals: precision ≥ 99.9 %, restored ≥ 95 % of
restorable, flag recall 100 %.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jixiao.pipeline import convert
from samplegen.scoring import score_batch

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    inputs = argv or sorted(str(p) for p in (ROOT / "samples" / "generated").glob("*.txt"))
    result = convert(inputs)
    filings = [f.model_dump(mode="json") for f in result.filings]
    records = [r.model_dump(mode="json") for r in result.records]
    scores = score_batch(filings, records)
    summary = scores.as_dict()
    print(f"filings {len(filings)}, records {len(records)}, {result.seconds:.2f} s")
    goals = {"precision": 0.999, "restored_of_restorable": 0.95, "flag_recall": 1.0}
    for key, value in summary.items():
        goal = goals.get(key)
        mark = "" if goal is None else ("  ok" if value is not None and value >= goal else f"  BELOW goal {goal}")
        print(f"  {key:24} {value}{mark}")
    if "-v" in sys.argv or scores.worst:
        for wrong, filing, name, output, truth in scores.worst[:10]:
            print(f"  invented {wrong}: {Path(filing).name} {name}\n    out   {output}\n    truth {truth}")
    print(json.dumps({"event": "eval_repair", **summary}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if a != "-v"]))
