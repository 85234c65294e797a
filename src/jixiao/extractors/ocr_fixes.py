"""Post-correction of OCR slips, by the column a cell sits in.

The recogniser's common slips on these tables (issue #5): ≥ read as "IV",
"2" or ">" … , % read as 和 or 96, 一级 read as -级, and thin marks ("=",
"/") lost altogether. Each column has a small vocabulary, so a slip that
lands outside it can be mapped back; a guess lowers the cell's confidence so
the field is flagged for review (``repair.filing`` flags < 0.8).
"""

from __future__ import annotations

import re
from typing import Optional

from ..model import FragmentKind
from ..layout.vocabulary import header_fragment
from ..layout.taxonomy import ALL_LEVEL2, COMMON_UNITS, LEVEL1_NAMES, OPERATOR_ALIASES, normalise_operator

GUESS_CONFIDENCE = 0.6  # below the review threshold: a clerk should look at a guessed value

# Readings of an operator glyph that are not operators themselves.
OPERATOR_SLIPS: dict[str, str] = {
    "IV": "≥", "lV": "≥", "|V": "≥", "≥=": "≥", "2": "≥", "二": "=", "一": "=", "三": "=",
    "N": "≥", "V": "≥", "VI": "≤", "S": "≤", "<=": "≤", ">=": "≥", "—": "=", "-": "=", "〓": "=",
    "定 性": "定性", "定生": "定性", "足性": "定性",
}
# A unit is never a lone figure or Latin letter: a % alone in its cell is read as 8, S or 0/0 too (issue 21)
UNIT_SLIPS: dict[str, str] = {"和": "%", "96": "%", "9%": "%", "％": "%", "%6": "%", "o": "%", "0%": "%",
                              "8": "%", "S": "%", "0/0": "%", "o/o": "%", "%o": "%"}
ROUND_MARKS = ("。", "O", "o", "〇")  # what the recogniser reads a lone 0 as
EMPTY_SLIPS = frozenset({"/", "／", "1", "I", "l", "|", "7", "丿", "】", "\\"})


def correct_operator(text: str) -> tuple[str, bool]:
    """(operator, guessed): map an OCR reading of the 指标值类型 column to an operator."""
    stripped = text.strip().replace(" ", "")
    if len(stripped) > 1 and stripped[-1] in ".。,，'`":
        stripped = stripped[:-1]  # a speck of scanner noise beside the glyph
    if not stripped or normalise_operator(stripped) is not None:
        return stripped, False
    if stripped in EMPTY_SLIPS:
        return "/", stripped not in ("/", "／")
    if stripped in OPERATOR_SLIPS:
        return OPERATOR_SLIPS[stripped], True
    return stripped, False


def correct_unit(text: str) -> tuple[str, bool]:
    stripped = text.strip().replace(" ", "")
    if len(stripped) > 1 and stripped[-1] in ".。,，、'`":
        # a unit never ends in punctuation: a speck of noise (or the ruling line) read as one
        fixed, _ = correct_unit(stripped[:-1])
        return fixed, True
    if not stripped or stripped in COMMON_UNITS:
        return stripped, False
    if stripped in EMPTY_SLIPS:
        return "/", stripped not in ("/", "／")
    if stripped in UNIT_SLIPS:
        return UNIT_SLIPS[stripped], True
    return stripped, False


def correct_target(text: str) -> tuple[str, bool]:
    stripped = text.strip().replace(" ", "")
    if stripped in EMPTY_SLIPS - {"1", "7"}:
        return "/", stripped not in ("/", "／")
    if stripped in ROUND_MARKS:
        return "0", True  # a lone zero read as a round mark
    # O for 0 in a number; a speck read as a trailing dot
    fixed = re.sub(r"(?<=\d)[Oo]|[Oo](?=\d)", "0", stripped)
    fixed = re.sub(r"(?<=\d)[.。,:：;；'`·]$", "", fixed)
    return fixed, fixed != stripped


def correct_name(text: str, names: tuple[str, ...] = ()) -> tuple[str, bool]:
    """一级/二级指标 names are ideographs only; anything else at their ends is noise.

    A name that is no prefix of the standard names but one character away from
    exactly one of those prefixes (成本 read as 战本) takes that prefix, as a
    guess; repair then completes a clipped name as for any filing.
    """
    text = re.sub(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff]+$", "", text.strip())
    n = len(text)
    prefixes = {name[:n] for name in names if len(name) >= n}
    if n < 4 or not names or text in prefixes:
        return text, False
    near = [p for p in prefixes if sum(a != b for a, b in zip(p, text)) == 1]
    return (near[0], True) if len(near) == 1 else (text, False)


HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "："}
NEXT_TO_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[(),;]|[(),;](?=[\u4e00-\u9fff])")


# 、 read as the radical 丶 (never a word of these filings), with the spaces the recogniser puts around it
DOT_RADICAL = re.compile(r" ?丶 ?")


def correct_free_text(text: str) -> str:
    """Brackets and commas beside ideographs are full-width in these filings; OCR
    often returns the ASCII form because the glyphs look alike; 、 read as 丶 is 、."""
    text = DOT_RADICAL.sub("、", text)
    return NEXT_TO_CJK.sub(lambda m: HALF_TO_FULL[m.group(0)], text)



def correct_cell(column: str, text: str, confidence: Optional[float]) -> tuple[str, Optional[float]]:
    """Correct one cell's OCR text for its column; a guessed fix caps the confidence."""
    guessed = False
    if column == "operator":
        text, guessed = correct_operator(text)
    elif column == "unit":
        text, guessed = correct_unit(text)
    elif column in ("target", "score"):
        text, guessed = correct_target(text)
    elif column in ("level1", "level2"):
        text, guessed = correct_name(text, LEVEL1_NAMES if column == "level1" else ALL_LEVEL2)
    elif column == "scoring_rule":
        # the glued score is the last thing in the cell; a speck after it reads as "."
        text = re.sub(r"(?<=\d)[.。,]$", "", correct_free_text(text.strip()))
    elif column == "level3" and text.strip() in ROUND_MARKS:
        text, guessed = "0", True  # a cell is never a full stop alone: a lone 0 (templates print one)
    elif column in ("level3", "explanation", "remark", "duties", "goals"):
        text = correct_free_text(text)
    if guessed and confidence is not None:
        confidence = min(confidence, GUESS_CONFIDENCE)
    return text, confidence


SCORING_RULE_SLIP = re.compile(r"^评[（(/]?.{0,2}?[）)]?分标准")
"""评(扣)分标准 with its 扣 misread (拍, 和) or its brackets lost: any one or two characters
between 评 and 分标准."""


def normalise_header_text(text: str) -> str:
    """A column-header cell with the recogniser's slips undone, for the layout vocabulary to match:
    一级 read as -级, 评(扣)分标准 with 扣 misread, half-width brackets."""
    text = text.replace(" ", "").replace("(", "（").replace(")", "）")
    text = SCORING_RULE_SLIP.sub("评（扣）分标准", text)
    return re.sub(r"^[-—_一l1]级", "一级", text)


def header_kind(texts: list[str]) -> Optional[FragmentKind]:
    """The fragment a row of column-header cells opens (by the layout vocabulary), or None."""
    cells = [normalise_header_text(t) for t in texts if t.strip()]
    if not cells or any(len(c) > 12 for c in cells):
        return None  # header cells are short; a body cell may mention the words
    fragment = header_fragment(cells)
    return FragmentKind(fragment) if fragment else None


__all__ = ["correct_cell", "header_kind", "normalise_header_text", "OPERATOR_ALIASES"]
