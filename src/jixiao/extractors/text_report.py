"""Self-evaluation reports that state their indicators in numbered paragraphs (a kind of ``prose``).

A 绩效自评报告 often has no table: under 绩效指标完成情况分析 each numbered paragraph names a group
and tells its indicators in sentences::

    1、产出数量指标:第一,有需求的残疾人得到康复服务比例年初指标值为不低于85%,全年实际完成值100%。第二,…
    2、产出时效指标:项目完成时间年初指标值为2023年12月底,实际在规定时间内完成。
    4、社会效益指标:残疾人康复服务水平有所提高;社会氛围有所改善。

A paragraph's group is a 二级 name, alone or run into its 一级's stem (产出数量指标 = 产出指标 /
数量指标). An indicator is a sentence that sets a value (…指标值为 X, … 完成值 Y) or one that ends
in a set phrase of a qualitative target (有所提高). Every character of a cell is the report's own.
"""

from __future__ import annotations

import re
from typing import Optional

from ..layout.taxonomy import LEVEL1_NAMES, LEVEL2_BY_LEVEL1, QUALITATIVE_TARGETS
from ..layout.values import level2_name
from .text_grid import Piece, hinted

_PARAGRAPH = re.compile(r"^\s*\d{1,2}\s*[、.．]\s*(?P<group>[\u4e00-\u9fff]{2,12}?指标)\s*[:：](?P<body>.+)$")
_ORDINAL = re.compile(r"第[一二三四五六七八九十]{1,3}\s*[,，、]")
_SETS = re.compile(r"(?:年初|年度|预期)?(?:目标值|指标值)(?:设定)?为")
_MIN_PARAGRAPHS = 2


def group_of(text: str) -> Optional[tuple[Optional[str], str]]:
    """(一级, 二级) a paragraph's group names: a 二级 name run into its 一级's stem ('产出数量指标' → 产出指标,
    数量指标), or a 二级 name alone, under the 一级 the national taxonomy puts it in (None for a name of a
    form's own); None for anything else."""
    for name in LEVEL1_NAMES:
        stem = name[:-2] if name.endswith("指标") else name
        if len(text) > len(stem) + 2 and text.startswith(stem) and level2_name(text[len(stem):], bare_stem=False):
            return name, text[len(stem):]
    if not level2_name(text):
        return None
    # each paragraph names its own group: a bare 二级 is under its national 一级, not the one before it
    return next((one for one, twos in LEVEL2_BY_LEVEL1.items() if text in twos), None), text


def _sentences(body: str) -> list[str]:
    """The paragraph's indicator sentences: cut at its ordinals (第一,第二,), else at '。' and ';'."""
    if _ORDINAL.search(body):
        parts = _ORDINAL.split(body)
    else:
        parts = re.split(r"[。;；]", body)
    return [part.strip().rstrip("。;；,，").strip() for part in parts if part.strip().rstrip("。;；,，")]


def _indicator(sentence: str) -> Optional[tuple[str, str, Optional[str]]]:
    """(name, target, actual) a sentence states, or None when it states no indicator."""
    sets = _SETS.search(sentence)
    if sets is not None and sets.start() >= 2:
        rest = sentence[sets.end():]
        cut = re.search(r"[,，;；]", rest)
        target = (rest[:cut.start()] if cut else rest).strip()
        actual = _actual(rest[cut.start():]) if cut else None
        return (sentence[:sets.start()].strip(), target, actual) if target else None
    phrase = next((p for p in sorted(QUALITATIVE_TARGETS, key=len, reverse=True) if sentence.endswith(p)), None)
    if phrase is not None and len(sentence) - len(phrase) >= 2:
        return sentence[:-len(phrase)].strip(), phrase, None
    return None


def _actual(rest: str) -> Optional[str]:
    """What the clause after the target says was achieved: the words after 完成值 (or after 实际)."""
    match = re.search(r"(?:完成值|完成数)\s*(?:为)?\s*(.+)$", rest) or re.search(r"实际\s*(.+)$", rest)
    return match.group(1).strip() if match and match.group(1).strip() else None


def paragraph_items(line: str) -> list[tuple[Optional[str], str, str, str, Optional[str]]]:
    """(一级, 二级, name, target, actual) of each indicator a numbered paragraph states, or [] when
    the line is no such paragraph."""
    match = _PARAGRAPH.match(line)
    group = group_of(match.group("group")) if match else None
    if match is None or group is None:
        return []
    items = [_indicator(sentence) for sentence in _sentences(match.group("body"))]
    return [(*group, *item) for item in items if item is not None]


def is_report(stripped: list[str]) -> bool:
    """Two numbered paragraphs or more that state indicators: the report kind of prose."""
    return sum(1 for line in stripped if paragraph_items(line)) >= _MIN_PARAGRAPHS


def report_rows(numbered: list[tuple[int, str]]) -> list[list[Piece]]:
    """The report's lines above its first indicator paragraph as rows of their own (the header block),
    then a row per indicator, each cell with the role the report gives it; the report's other
    paragraphs make no row."""
    rows: list[list[Piece]] = []
    table: list[list[Piece]] = []
    for number, line in numbered:
        items = paragraph_items(line)
        table += [hinted(number, level1=one, level2=two, level3=name, target=target, actual=actual)
                  for one, two, name, target, actual in items]
        if not table:
            rows.append([(line, number)])
    return rows + table
