"""Cutting glued cells of the split layout back into their columns (part of :mod:`.fragments`).

A text dump glues a cell that fills its column to the next one
("满意度指标服务对象满意社会公众对工作的期望 ≥ 95 %"), and the scoring column
carries the 分值 glued on ("…超过1%扣1分5", in a dump and on a page with no
分值 column alike). These functions cut such strings back into columns, guided
by the vocabularies, and report whether each cell was filled to its width (its
end may then be clipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..model.text import is_cjk
from ..layout.taxonomy import (
    ALL_LEVEL2,
    LEVEL1_NAMES,
    LEVEL2_BY_LEVEL1,
    OPERATOR_PATTERN,
    match_prefix,
)


@dataclass
class SplitCell:
    text: str
    at_capacity: Optional[bool] = None


VALUE_COLUMNS = re.compile(
    rf"^(?P<level3>.*?)(?P<space>\s*)(?P<operator>{OPERATOR_PATTERN})\s*"
    rf"(?P<target>[^\s]+)?(?:\s+(?P<unit>[^\s]+))?\s*$"
)
NUMBER_WITH_UNIT = re.compile(r"^(?P<number>[-+]?\d+(?:\.\d+)?)(?P<unit>[^\d.\s].*)$")


def split_indicator_line(line: str) -> dict[str, SplitCell]:
    """Split one text-dump row of the indicators fragment into its six columns.

    Returns level1, level2, level3, operator, target and unit. Missing columns
    are absent from the result. level1 and level2 are matched against the
    taxonomy by prefix (a clipped name keeps its visible characters; the
    vocabulary repair restores the rest later); the value columns are parsed
    from the right, where the operator anchors them.
    """
    text = line.strip()
    cells: dict[str, SplitCell] = {}
    level1 = match_prefix(text, LEVEL1_NAMES, min_clipped=3)
    if level1 is not None:
        rest = text[len(level1.matched):]
        cells["level1"] = SplitCell(level1.matched, at_capacity=not rest[:1].isspace())
    else:
        first, _, rest = text.partition(" ")
        cells["level1"] = SplitCell(first, at_capacity=False)
    rest = rest.lstrip()

    vocabulary = LEVEL2_BY_LEVEL1.get(level1.canonical if level1 else "", ()) or ALL_LEVEL2
    level2 = match_prefix(rest, vocabulary) or match_prefix(rest, ALL_LEVEL2)
    if level2 is not None:
        after = rest[len(level2.matched):]
        cells["level2"] = SplitCell(level2.matched, at_capacity=not after[:1].isspace())
        rest = after.lstrip()
    else:
        first, _, after = rest.partition(" ")
        if first:
            cells["level2"] = SplitCell(first, at_capacity=False)
        rest = after.lstrip()

    cells.update(split_value_columns(rest))
    return cells


def split_value_columns(text: str) -> dict[str, SplitCell]:
    """Parse "level3 operator target unit", any of which may be "/" or missing."""
    text = text.strip()
    if not text:
        return {}
    tokens = text.split()
    if all(token in ("/", "／") for token in tokens):
        names = ("level3", "operator", "target", "unit")
        return {name: SplitCell("/") for name in names[: len(tokens)]}
    match = VALUE_COLUMNS.match(text)
    if match:
        target = match.group("target")
        unit = match.group("unit")
        if target and unit is None:
            glued = NUMBER_WITH_UNIT.match(target)
            if glued:
                target, unit = glued.group("number"), glued.group("unit")
        level3 = match.group("level3")
        if len(match.group("space")) >= 2 and level3 and not level3[-1].isspace():
            # cells are joined by one space: a second one is the gap marker of a
            # run collapsed at the end of the cell ("…水质达标  ≥ 95 %")
            level3 += " "
        if not match.group("space"):
            at_capacity: Optional[bool] = bool(level3)
        elif len(match.group("space")) == 1 and level3 and is_cjk(level3[-1]):
            # "…检查次 ≥": one space is the separator, or the gap marker of a
            # collapsed run glued to the operator; the dump cannot tell which
            at_capacity = None
        else:
            at_capacity = False
        cells = {
            "level3": SplitCell(level3, at_capacity=at_capacity),
            "operator": SplitCell(match.group("operator")),
        }
        if target is not None:
            cells["target"] = SplitCell(target)
        if unit is not None:
            cells["unit"] = SplitCell(unit)
        return cells
    # No operator: "level3 / / /" or free text; trailing slash tokens are empty columns.
    trailing: list[str] = []
    while tokens and tokens[-1] in ("/", "／") and len(trailing) < 3:
        trailing.insert(0, tokens.pop())
    cells = {"level3": SplitCell(" ".join(tokens) if tokens else "/")}
    for name, token in zip(("operator", "target", "unit"), trailing):
        cells[name] = SplitCell(token)
    return cells


SCORE_AT_END = re.compile(r"(?P<digits>\d+(?:\.\d+)?)\s*$")
POINTS_IN_RULE = re.compile(r"得\s*(\d+(?:\.\d+)?)\s*分")
REMARK_AFTER_SCORE = re.compile(r"^(?P<head>.*?\d)\s+(?P<remark>[^\s\d][^\d]*)$")


def split_scoring_cell(text: str) -> tuple[str, Optional[str], Optional[str]]:
    """Split "控制在指标内得5分，超过1%扣1分5 备注" into rule, score and remark.

    The score is the number glued to the end of the rule. When the rule itself
    may end in a digit ("…超过15"), the split that makes the score equal the
    rule's own 得N分 wins, because the full-marks clause names the weight in
    almost every filing. A remark (备注) follows the score after a space; it is
    only split off when the score before it is certain, because a rule's own
    gaps are spaces too ("每降低1 扣2分").
    """
    stripped = text.strip()
    remark_match = REMARK_AFTER_SCORE.match(stripped)
    if remark_match:
        rule, score = _split_score(remark_match.group("head"))
        marks = set(POINTS_IN_RULE.findall(rule))
        if score is not None and (score in marks or not marks and len(remark_match.group("remark")) >= 2):
            return rule, score, remark_match.group("remark").strip()
    rule, score = _split_score(stripped)
    return rule, score, None


def _split_score(text: str) -> tuple[str, Optional[str]]:
    stripped = text.rstrip()
    match = SCORE_AT_END.search(stripped)
    if not match:
        return text.strip(), None
    digits = match.group("digits")
    head = stripped[: match.start()]
    if "." in digits:
        return head.rstrip(), digits
    full_marks = set(POINTS_IN_RULE.findall(head))
    # candidate scores: suffixes of the digit run without a leading zero, longest first
    candidates = [digits[k:] for k in range(len(digits)) if digits[k] != "0" or k == len(digits) - 1]
    for candidate in candidates:
        if candidate in full_marks:
            return (head + digits[: len(digits) - len(candidate)]).rstrip(), candidate
    for candidate in candidates:
        if float(candidate) <= 100:
            return (head + digits[: len(digits) - len(candidate)]).rstrip(), candidate
    return head.rstrip(), digits
