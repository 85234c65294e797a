"""Clean values for downstream systems: what a cell says, without what a page or a template added.

A filing reaches us through mirrors and templates that add to its text: a mirror site converts it to
traditional characters and inserts the pinyin of some characters (``產(chǎn)出指標(biāo)``), a template
leaves its hints in the cells (``数量指标 (必填硬性指标)``, ``苗木成活率(≥**%)``, ``★``), a form numbers
its indicators (``指标1:``). The clean value drops all of that; the raw text beside it keeps what was
printed (``Cell.raw``). Nothing here adds a character: every step only removes or maps one to its
simplified form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .vocabulary import _t2s

# a mirror's inserted pinyin: one syllable with tone marks (or a tone number) in brackets after a character
# a mirror's pinyin: one syllable in brackets right after a character ('標(biāo)'); a syllable has a vowel,
# so units in brackets ('公里(km)', '(kg)') stay
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"
INSERTED_PINYIN = re.compile(
    rf"(?<=[\u4e00-\u9fff])[(（](?=[a-z{_TONED}]*[aeiouv{_TONED}])[a-z{_TONED}]{{1,6}}[1-5]?[)）]")
_PINYIN = INSERTED_PINYIN
# a template's hint about what to fill in: a bracket holding a placeholder (**), or a required-field note
_HINT = re.compile(r"\s*[(（][^()（）]*\*\*[^()（）]*[)）]"
                   r"|\s*[(（]\s*(?:必填|选填|可选|非必填)[^()（）]{0,8}[)）]")
_MARKS = re.compile(r"^[\s★☆*＊]+")  # ★ before the name of a key indicator, a required-field mark
_NUMBERING = re.compile(r"^\s*指标\s*\d+\s*(?:[:：.．、]\s*|(?=[\u4e00-\u9fff]))")
_SCORE_RANGE = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*(?:[-－—~～]\s*\d+(?:\.\d+)?\s*)?分?\s*[)）]\s*分?$"
                          r"|\s*\d+(?:\.\d+)?\s*分$")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional characters as simplified ones, and a mirror's inserted pinyin removed."""
    converter = _t2s()
    text = _PINYIN.sub("", text)
    return converter.convert(text) if converter is not None else text


def clean_name(text: str) -> str:
    """An indicator's name (三级指标): simplified, without template hints, ★ marks or the form's numbering."""
    value = simplified(text)
    value = _HINT.sub("", value)
    value = _MARKS.sub("", value)
    value = _NUMBERING.sub("", value)
    return value.strip()


def clean_group(text: str) -> str:
    """A 一级 / 二级 name: simplified, without template hints or a score range ('产出指标 (40-50)分')."""
    value = _HINT.sub("", simplified(text))
    value = _SCORE_RANGE.sub("", value)
    return value.strip()


def clean_text(text: str) -> str:
    """Any other text value: simplified, a mirror's pinyin removed."""
    return simplified(text)
