"""Golden files for the generated samples, in both forms (text dump and PDF).

A subset keeps the runtime modest while covering every PDF variant: merged
一级指标 cells, a 分值 column or a score glued to the rule, a table continuing
on a 续表 page, filler pages before and after, none at all. Expected JSON
lives in tests/golden/ (samples/generated/ belongs to the generator).
Set JIXIAO_REGENERATE_GOLDEN=1 to rewrite, then review the diff.
"""

from __future__ import annotations


import pytest

from helpers import ROOT, SAMPLES, check_golden
from test_golden import golden_payload

GOLDEN = ROOT / "tests" / "golden"
SUBSET = (
    "beihu-shijian-2022",        # merged cells, 分值 column, filler before and after
    "beihu-shijian-2023",        # score glued to the rule, 续表 page, 4 filler pages
    "hengyang-yingji-2022",      # merged cells, score glued, GB18030 dump
    "shaoyangxian-nongye-2022",  # merged cells continuing on a 续表 page
    "changde-shengtai-2023",     # no filler pages, full-width operators
    "synth00007-zhuzhou-jiaoyu-2022",  # synthetic: merged, continuation, 11 pages
)
CASES = [SAMPLES / "generated" / f"{case}.{form}" for case in SUBSET for form in ("txt", "pdf")]


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.name)
def test_generated_sample_matches_golden(source, in_root):
    expected_path = GOLDEN / f"{source.name}.expected.json"
    actual = golden_payload(source)
    check_golden(expected_path, actual)
