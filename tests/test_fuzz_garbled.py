"""Hypothesis fuzzing of the text extractor and repair with garbled filings.

Strategies garble the seed the ways dumps arrive broken: cells truncated by the
garbling model (samples/garble.py), lines glued together, lines deleted or
duplicated, random bytes flipped, and an encoding chosen at random. The text
extractor and the reader must either make a Filing or raise ExtractionError (a
clear manifest message), never anything else; repair and join must never raise;
and no repaired free-text value may contradict a visible character of its raw
cell: every visible raw character appears in the value, in order.
"""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.reader import read_layout
from jixiao.extractors.base import ExtractionError
from jixiao.extractors.text import extract_text
from jixiao.pipeline.runner import build_index, repair_and_join
from samplegen.garble import garble_cell

from helpers import SEED, codes

LINES = SEED.read_text(encoding="utf-8").splitlines()
FREE_TEXT = ("level3", "explanation", "scoring_rule", "remark")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be")


@st.composite
def garbled_filings(draw) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(("truncate", "glue", "delete", "duplicate", "clip")))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "truncate":
            lines[i] = garble_cell(lines[i], draw(st.integers(0, 20)))
        elif op == "clip":
            lines[i] = lines[i][:draw(st.integers(0, max(0, len(lines[i]))))]
        elif op == "glue" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + draw(st.sampled_from(("", " ", "\t"))) + lines[i + 1]]
        elif op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
    text = "\n".join(lines)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.booleans()):  # a few flipped bytes: what a bad disk or transfer gives
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        data = bytes(raw)
    return data


def visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "□")


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def check_filing(data: bytes) -> None:
    try:
        filing = read_layout(extract_text("fuzz.txt", data))
    except ExtractionError as error:
        assert "fuzz.txt" in str(error)
        return
    outcome = repair_and_join(filing, build_index([filing]))
    assert outcome.entry.errors is not None
    assert "repair_crashed" not in codes(outcome.entry), outcome.entry.error
    if outcome.result is None:
        return
    for record in outcome.result.records:
        for name in FREE_TEXT:
            field = record.fields.get(name)
            if field is None or field.raw is None or field.value is None:
                continue
            assert is_subsequence(visible(field.raw), visible(field.value)), (name, field.raw, field.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garbled_filings())
def test_garbled_filings_never_crash_nor_contradict_the_raw_text(data):
    check_filing(data)


def test_regressions_found_by_fuzzing():
    """Inputs the fuzzers found; each one crashed or misread before its fix."""
    seed = "\n".join(LINES)
    cases = [
        codecs.BOM_UTF16_LE,  # a BOM and nothing else
        seed.encode("utf-16-be"),  # UTF-16 without a BOM: was "cannot decode"
        "\u200f".join(LINES).encode(),  # bidi marks glued to the column headers
    ]
    for data in cases:
        check_filing(data)
