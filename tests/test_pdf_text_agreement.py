"""The text dump and the PDF of the same filing give the same records, apart from provenance.

Each form is converted on its own (its own batch index). Three things a dump
cannot say and a PDF can, or the reverse, are predicted exactly from the truth
file and checked for what they are; every other field must be identical:

1. ``scoring_rule``: the dump glues the 分值 onto the rule and so drops a gap
   marker at the very end of the rule ("…未 5" for "…未 " + 5); a PDF with a
   分值 column keeps the rule's trailing space.
2. ``level3``: a 三级指标 that ends in a gap marker and fills its width is
   followed in the dump by the operator ("…达标 ＝"), so the marker reads as
   the column separator and is lost; the PDF keeps it.
3. Empty columns: a row with nothing after 二级指标 prints only 2–4 "/" in the
   dump, so the missing columns have no raw text at all; the PDF draws "/" in
   every cell (both give the value null).
4. ``at_capacity`` of ``level3``: in the dump it is the glue to the next
   column, i.e. the upstream cell's capacity; the PDF's cells are wider than
   that capacity, so geometry cannot know it (it reports the text reaching the
   right border, else unknown). Where the two answers make the damage parser
   see a different cell end, the repair may differ.
"""

from __future__ import annotations

import json

import pytest

from jixiao.pipeline import convert
from jixiao.model import FragmentKind
from jixiao.repair.damage import parse_garbled

from helpers import SAMPLES, read_filing

GENERATED = SAMPLES / "generated"
CASES = sorted(p.stem for p in GENERATED.glob("*.pdf"))
VALUE_COLUMNS = ("level3", "operator", "target", "unit")


def _strip(value):
    if isinstance(value, dict):
        # how each form was read (its route, pages and reading report) differs by nature: the filings must not
        return {k: _strip(v) for k, v in value.items()
                if k not in ("provenance", "filing", "source", "route", "pages", "report")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _one(path):
    (filing,) = convert([str(path)]).filings
    return filing


def _same_end(raw: str, a, b) -> bool:
    return parse_garbled(raw, at_capacity=a).tokens == parse_garbled(raw, at_capacity=b).tokens


@pytest.mark.parametrize("case", CASES)
def test_text_and_pdf_forms_agree(case):
    truth = json.loads((GENERATED / f"{case}.truth.json").read_text(encoding="utf-8"))
    rows = truth["garbled"]["rows"]
    text_path, pdf_path = GENERATED / f"{case}.txt", GENERATED / f"{case}.pdf"
    text_cells = read_filing(str(text_path), text_path.read_bytes()).fragments[FragmentKind.INDICATORS].rows
    pdf_cells = read_filing(str(pdf_path), pdf_path.read_bytes()).fragments[FragmentKind.INDICATORS].rows
    text, pdf = _one(text_path), _one(pdf_path)

    assert _strip(text.model_dump(mode="json")) == _strip(pdf.model_dump(mode="json"))
    assert len(text.records) == len(pdf.records) == len(rows)
    score_column = truth["garble"]["variants"]["score_column"]
    for k, (a, b, row) in enumerate(zip(text.records, pdf.records, rows)):
        allowed: set[str] = set()
        fa, fb = a.fields, b.fields
        rule = row["scoring_rule"]
        if score_column and row["score"] is not None and rule.endswith(" "):  # (1)
            assert (fa["scoring_rule"].raw, fb["scoring_rule"].raw) == (rule.rstrip(" "), rule)
            allowed.add("scoring_rule")
        level3 = row["level3"]
        if level3.endswith(" ") and row["glue"][2]:  # (2)
            assert (fa["level3"].raw, fb["level3"].raw) == (level3.rstrip(" "), level3)
            allowed.add("level3")
        tail = truth["garble"]["empty_tail"][k]
        if tail is not None:  # (3)
            for name in VALUE_COLUMNS[tail:]:
                assert (fa[name].raw, fb[name].raw, fa[name].value, fb[name].value) == (None, "/", None, None)
                allowed.add(f"raw:{name}")
        text_level3, pdf_level3 = text_cells[k].cells.get("level3"), pdf_cells[k].cells["level3"]
        if text_level3 is not None and not _same_end(pdf_level3.text, text_level3.at_capacity,
                                                     pdf_level3.at_capacity):  # (4)
            allowed.add("level3")
        for name in fa:
            if name in allowed:
                continue
            if f"raw:{name}" in allowed:
                assert _strip(fa[name].model_dump(exclude={"raw"})) == _strip(fb[name].model_dump(exclude={"raw"}))
                continue
            assert _strip(fa[name].model_dump(mode="json")) == _strip(fb[name].model_dump(mode="json")), \
                f"row {a.row} field {name}"
        columns = {"level3", "scoring_rule"} & allowed
        keep = set(type(a).model_fields) - {"fields", "filing", "source", "needs_review"} - columns
        assert a.model_dump(include=keep) == b.model_dump(include=keep)
        if not allowed & {"level3", "scoring_rule"}:
            assert a.needs_review == b.needs_review
