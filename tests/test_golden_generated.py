"""Golden files for the generated corpus, converted as one batch (repair draws on the whole batch).

The expected JSON of each text filing is ``samples/generated/expected/<name>.json``.
Set JIXIAO_REGENERATE_GOLDEN=1 to rewrite them, then review the diff.
"""

from __future__ import annotations

import json

import pytest

from jixiao.pipeline import convert
from samplegen.scoring import score_batch

from helpers import ROOT, SAMPLES, check_golden

GENERATED = SAMPLES / "generated"
EXPECTED = GENERATED / "expected"
TEXT_CASES = sorted(GENERATED.glob("*.txt"))


@pytest.fixture(scope="module")
def batch():
    import os

    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        return convert([str(p.relative_to(ROOT)) for p in TEXT_CASES])
    finally:
        os.chdir(previous)


@pytest.mark.parametrize("source", TEXT_CASES, ids=lambda p: p.stem)
def test_generated_filing_matches_golden(batch, source):
    outcome = next(o for o in batch.outcomes if o.entry.source.endswith(source.name))
    actual = {"manifest": outcome.entry.model_dump(mode="json"),
              "filing": outcome.result.model_dump(mode="json"),
              "records": [r.model_dump(mode="json") for r in outcome.result.records]}
    check_golden(EXPECTED / f"{source.name}.json", actual)


def test_generated_corpus_meets_the_repair_goals(batch):
    """The issue's accuracy goals, on the committed corpus (make eval prints the same figures)."""
    truths = {f.source: json.loads((ROOT / f.source).with_suffix(".truth.json").read_text(encoding="utf-8"))
              for f in batch.filings}
    scores = score_batch([f.model_dump(mode="json") for f in batch.filings],
                         [r.model_dump(mode="json") for r in batch.records], truths).as_dict()
    assert scores["record_count_mismatches"] == []
    assert scores["structured_accuracy"] == 1.0
    assert scores["invented_chars"] == 0 and scores["precision"] >= 0.999
    assert scores["restored_of_restorable"] >= 0.95
    assert scores["flag_recall"] == 1.0
