"""Golden files: every bundled sample against its expected JSON.

Set JIXIAO_REGENERATE_GOLDEN=1 to rewrite the expected files, then review the
diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.pipeline import convert

from helpers import ROOT, SAMPLES, check_golden

CASES = sorted(p for p in SAMPLES.glob("*.txt"))


def golden_payload(source: Path) -> dict:
    result = convert([str(source.relative_to(ROOT))])
    (outcome,) = result.outcomes
    payload = {"manifest": outcome.entry.model_dump(mode="json")}
    if outcome.result is not None:
        payload["filing"] = outcome.result.model_dump(mode="json")
        payload["records"] = [r.model_dump(mode="json") for r in outcome.result.records]
    return payload


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.stem)
def test_sample_matches_golden(source, in_root):
    expected_path = source.with_suffix(".expected.json")
    actual = golden_payload(source)
    check_golden(expected_path, actual)
