"""What a cell holds: taxonomy names, operators, numbers, units and combined values.

``split_value("≥80M")`` gives operator ``≥``, target ``80``, unit ``M``; a bare
number is ``=``, a qualitative target ``定性``. Units come from the unit
vocabulary or from what follows a number in the cell, never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Optional

from .taxonomy import OPERATOR_ALIASES, UNIT_ALIASES
from .vocabulary import ValueKind, normalise
from .vocabulary_file import current

EMPTY = frozenset({"", "/", "／", "\\", "-", "—", "0/", "……", "…", "......"})  # …… : a template row left blank
"""What a filing prints for an empty cell. 无 is a value (a qualitative target), not a blank."""

_NUMBER = r"[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?"
NUMBER = re.compile(rf"^{_NUMBER}$")
_OPERATOR_PREFIX = re.compile(
    r"^\s*(" + "|".join(re.escape(a) for a in sorted(OPERATOR_ALIASES, key=len, reverse=True)
                       if a not in ("定性", "定量")) + r"|‹=|›=|大于等于|小于等于|不低于|不高于|不少于|不超过|不多于|大于|小于|高于|低于)\s*")
_WORD_OPERATORS = {"大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
                   "不超过": "≤", "不多于": "≤", "大于": ">", "高于": ">", "小于": "<", "低于": "<",
                   "‹=": "≤", "›=": "≥"}
_SUFFIX_OPERATOR = re.compile(r"(以上|及以上|以内|及以下|以下)$")
_ABOUT = re.compile(r"^约\s*\d")
# a date or deadline: the year and month of a date, the end of a period, 'before' a date
_DEADLINE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月(?!份?\s*[/每])|[年月]底|[年月]末|日前|之前|以前|前完成|[上下]半年")
_SUFFIX_TO_OPERATOR = {"以上": "≥", "及以上": "≥", "以内": "≤", "及以下": "≤", "以下": "≤"}
def _units() -> frozenset[str]:
    """The units of the vocabulary in force, in the form they are compared in."""
    vocabulary = current()
    found = _UNITS_BY_DIGEST.get(vocabulary.digest)
    if found is None:
        found = _UNITS_BY_DIGEST[vocabulary.digest] = frozenset({*vocabulary.units, *(normalise(u) for u in vocabulary.units)})
    return found


_UNITS_BY_DIGEST: dict[str, frozenset[str]] = {}
QUALITATIVE_OPERATORS = frozenset({"定性"})
DIRECTIONS = frozenset({"正向", "反向", "中性", "正向指标", "反向指标"})
STANDARDS = re.compile(r"^(计划|历史|行业|其他|国家|地方)标准$")
_SCORE_RANGE = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*(?:[-－—~～]\s*\d+(?:\.\d+)?\s*)?分?\s*[)）]\s*分?$|\d+分$"
                          r"|\s\d+(?:\.\d+)?\s*分?\s*[)）]\s*$")  # or '效益指标 30分)', whose '(' a dump lost


def is_empty(text: Optional[str]) -> bool:
    return text is None or text.strip() in EMPTY


def is_score_range(text: str) -> bool:
    """Whether a cell is a group's score and nothing else ('(50分)', '(40-50)分', '30分')."""
    match = _SCORE_RANGE.search(text.strip())
    return match is not None and match.start() == 0


def strip_score_range(text: str) -> tuple[str, Optional[str]]:
    """'产出指标 (40-50)分' → ('产出指标', '(40-50)分'): section rows carry a score range."""
    match = _SCORE_RANGE.search(text)
    if match and match.start() > 0:
        return text[:match.start()].strip(), match.group(0)
    return text.strip(), None


# How forms word a group name around the national one: a score range or a hint after it ('(40-50)分',
# '(必填硬性指标)'), an ordinal before it ('一、', '(一)', '1.'), 类 before 指标 (产出类指标), 预期/项目 before
# it (预期产出指标), 值 instead of 指标 (产出值), or the bare stem (产出, 数量).
_LEVEL_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
_LEVEL_SUFFIX = re.compile(r"(?:类指标|类|指标值|值|指标|目标)$")


def _level_stem(text: str, bare_stem: bool) -> str:
    """A group name reduced to its stem: '(一)产出类指标(50分)' → '产出'; '' when the name is only a
    stem (产出, 数量) and ``bare_stem`` is False: a short word alone is a group name in a column known to
    hold them, but in a row whose columns are unknown it may as well be an indicator's name."""
    bare = normalise(strip_score_range(text)[0])
    bare = re.sub(r"\(.*?\)$", "", bare)
    bare = _LEVEL_ORDINAL.sub("", bare)
    bare = re.sub(r"等$", "", bare)
    stem = _LEVEL_SUFFIX.sub("", bare)
    return stem if bare_stem or stem != bare else ""


def _national_by_stem(stem: str, names: tuple[str, ...]) -> Optional[str]:
    """The national name whose stem this is (产出 → 产出指标); None when none or several are."""
    hits = [name for name in names if name[:-2] == stem]
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=65536)
def _level1_in(digest: str, text: str, bare_stem: bool) -> Optional[str]:
    vocabulary = current()
    names = tuple(vocabulary.taxonomy)
    bare = re.sub(r"\(.*?\)$", "", normalise(strip_score_range(text)[0]))
    if bare in names:
        return bare
    own = {normalise(n): n for n in vocabulary.level1}
    if bare in own:
        return level1_category(own[bare]) or own[bare]
    stem = _level_stem(text, bare_stem)
    for prefix in ("", "预期", "项目"):  # 预期产出指标: the form's wording of the same group
        if stem.startswith(prefix) and _national_by_stem(stem[len(prefix):], names):
            return _national_by_stem(stem[len(prefix):], names)
    return None


def level1_name(text: str, *, bare_stem: bool = True) -> Optional[str]:
    """The 一级 group a cell names: its national name (产出指标) where it maps to one, else a name the
    vocabulary lists as a 一级 of its own (管理类指标); None for anything else. A score range, a hint,
    an ordinal, 类, 预期 and (with ``bare_stem``) a bare stem (产出) are read as the national group."""
    return _level1_in(current().digest, text, bare_stem)


def level1_category(name: str) -> Optional[str]:
    """The national 一级 group a printed 一级 name belongs to (效果指标 → 效益指标, 产出类指标 → 产出指标)."""
    vocabulary = current()
    category = vocabulary.categories.get(name) or vocabulary.categories.get(normalise(name))
    if category:
        return category
    found = level1_name(name) if name not in vocabulary.level1 else None
    return found if found in vocabulary.taxonomy else None


@lru_cache(maxsize=65536)
def _level2_in(digest: str, text: str, bare_stem: bool) -> Optional[str]:
    vocabulary = current()
    names = tuple(dict.fromkeys(n for ns in vocabulary.taxonomy.values() for n in ns))
    bare = normalise(strip_score_range(text)[0])
    for candidate in (bare, re.sub(r"\(.*?\)", "", bare)):
        if candidate in names:
            return candidate
        if candidate.endswith("等") and candidate[:-1] in names:
            return candidate[:-1]  # the template's own wording: 服务对象满意度指标等
    own = {normalise(n): n for n in vocabulary.level2}
    if bare in own:
        return vocabulary.categories.get(own[bare]) or own[bare]
    stem = _level_stem(text, bare_stem)
    if not stem:
        return None
    found = _national_by_stem(stem, names)
    if found is None and 3 <= len(stem) <= 6:
        # the form's own words around a national stem (产出数量, 项目质量): the group it ends with
        found = next((n for n in sorted(names, key=len, reverse=True) if len(n) >= 4 and stem.endswith(n[:-2])), None)
    return found


def level2_name(text: str, *, bare_stem: bool = True) -> Optional[str]:
    """The 二级 group a cell names: its national name (数量 → 数量指标, 经济效益 → 经济效益指标), or a
    name the vocabulary lists as a 二级 of its own; None for anything else (see :func:`level1_name`)."""
    return _level2_in(current().digest, text, bare_stem)


def operator_of(text: str) -> Optional[str]:
    """An operator cell's canonical operator (定量 is no comparison: it reads as '=')."""
    key = normalise(text).replace(" ", "")
    if key in _WORD_OPERATORS:
        return _WORD_OPERATORS[key]
    op = OPERATOR_ALIASES.get(key)
    if op == "定量":
        return "="
    return op


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.strip().replace(" ", "")))


def is_unit(text: str) -> bool:
    stripped = normalise(text)  # 萬元 is 万元: units are recognised in simplified form, output as printed
    if len(stripped) > 1 and stripped[0] in "万亿千百" and is_unit(stripped[1:]):
        return True  # 万亩, 万人, 千米: a unit with its magnitude
    parts = re.split(r"[/*·、]", stripped)
    if len(parts) > 1 and is_unit(parts[0]) and all(
            is_unit(part) or re.fullmatch(r"[\u4e00-\u9fff]", part) for part in parts[1:]):
        return True  # a compound of units: 元/平方米, 万元/人, 元/人*月, 元/生/年 (per pupil per year), 元/人、天
    return stripped in _units()


@dataclass(frozen=True)
class SplitValue:
    operator: Optional[str]
    target: Optional[str]
    unit: Optional[str]


def split_value(text: Optional[str], *, has_unit_column: bool = False) -> SplitValue:
    """Split a combined value into operator, target and unit.

    ``≥80M`` → (≥, 80, M); ``10辆`` → (=, 10, 辆); ``100%(历史标准)`` → (=, 100, %);
    ``优良`` → (定性, 优良, None); ``2023.07-2024.01`` → (=, as printed, None); a deadline
    (``11月底``, ``2023年12月30日前``) → (定性, as printed, None).
    When the layout has its own unit column, only a unit from the vocabulary is
    split off the number, so a unit column can still hold the rest.
    """
    if is_empty(text):
        return SplitValue(None, None, None)
    assert text is not None
    value = text.strip()
    operator, value, whole = _leading_operator(value)
    if whole is not None:
        return whole
    if operator is None and _DEADLINE.search(value):
        return SplitValue("定性", value, None)  # 11月底, 2023年12月30日前: a deadline, read as written
    if value and is_unit(value):
        # a template's value cell left unfilled: only the unit ('公里') or a sign and the unit ('≧ %')
        return SplitValue(operator, None, UNIT_ALIASES.get(value, value))
    suffix = _SUFFIX_OPERATOR.search(value)
    if operator is None and suffix and re.match(rf"^{_NUMBER}", value):
        operator = _SUFFIX_TO_OPERATOR[suffix.group(1)]
        value = value[:suffix.start()].strip()
    if re.match(rf"^{_NUMBER}", value) and value.endswith("达标"):
        value = value[:-2].strip()  # 100%达标: the figure is met; the word says so (the raw text keeps it)
    number = re.match(rf"^({_NUMBER})\s*(.*)$", value)
    if number:
        return _number_value(operator, value, number.group(1), number.group(2).strip(), has_unit_column)
    if operator is not None:
        return SplitValue(operator, value or None, None)
    return SplitValue("定性", value, None)


def _leading_operator(value: str) -> tuple[Optional[str], str, Optional[SplitValue]]:
    """(operator, the rest, None) for a value that opens with a comparison (a sign, words, 约), or
    (None, None, the whole reading) for a comparison in words over no figure (不低于上年度水平)."""
    match = _OPERATOR_PREFIX.match(value)
    if match:
        token = match.group(1)
        rest = value[match.end():].strip()
        if token in _WORD_OPERATORS and rest and not re.match(rf"^{_NUMBER}", rest):
            return None, value, SplitValue("定性", value, None)
        return _WORD_OPERATORS.get(token) or OPERATOR_ALIASES.get(token.replace(" ", "")), rest, None
    if _ABOUT.match(value):
        return "=", value[1:].strip(), None  # 约1000元/人: about a figure is that figure
    return None, value, None


def _number_value(operator: Optional[str], value: str, number: str, rest: str,
                  has_unit_column: bool) -> SplitValue:
    """A value that opens with a number: the number and its unit, or the whole as printed."""
    note = re.match(r"^(.*?)\s*([(（].*[)）])$", rest)
    unit_part = note.group(1) if note else rest
    if not unit_part:
        return SplitValue(operator or "=", number, None)
    if is_unit(unit_part) or (not has_unit_column and _looks_like_unit(unit_part)):
        return SplitValue(operator or "=", number, UNIT_ALIASES.get(unit_part, unit_part))
    if operator is None and re.search(r"[\u4e00-\u9fff]{4,}", rest):
        return SplitValue("定性", value, None)  # a sentence that opens with a number: 1-6期培训结束后及时考核
    return SplitValue(operator or "=", value, None)  # a range or a date: as printed


def _looks_like_unit(text: str) -> bool:
    """A short tail after a number that is a measure word, not a sentence (人/天, 万元/年, M, /10万,
    元每人每月)."""
    per = re.fullmatch(r"((?:(?!每)[\u4e00-\u9fff%]){1,3})((?:每[\u4e00-\u9fff]{1,2}){1,3})", text)
    if per and is_unit(per.group(1)):
        return True  # 元每人每月: a unit and what it is per
    if re.fullmatch(r"/\d+(?:\.\d+)?[\u4e00-\u9fff]{0,2}", text):
        return True  # a rate: ≤12/10万
    if len(text) > 6 or re.search(r"\d", text) or re.fullmatch(r"[年月][\u4e00-\u9fff]+|[上下]半年", text):
        return False  # 2023年底, 2021年全年: a date, not 2023 of a unit 年底
    if re.fullmatch(r"[A-Za-z/²³]+", text):
        return True
    return bool(re.fullmatch(r"[\u4e00-\u9fff/%‰·]+", text)) and len(text) <= 4


def classify(text: str) -> frozenset[ValueKind]:
    """See :func:`_classify`; cached per vocabulary in force."""
    return _classify(current().digest, text)


@lru_cache(maxsize=65536)
def _classify(digest: str, text: str) -> frozenset[ValueKind]:
    """Every kind of column this cell could belong to (used to align rows without all cells).
    Cached: the aligner asks about the same cells many times while it tries where to cut rows."""
    stripped = text.strip()
    kinds: set[ValueKind] = set()
    if not stripped:
        return frozenset()
    if level1_name(stripped, bare_stem=False):
        kinds.add(ValueKind.LEVEL1)
    if level2_name(stripped, bare_stem=False):
        kinds.add(ValueKind.LEVEL2)
    if operator_of(stripped):
        kinds.add(ValueKind.OPERATOR)
    if normalise(stripped) in DIRECTIONS:
        kinds.add(ValueKind.DIRECTION)
    if STANDARDS.match(normalise(stripped)):
        kinds.add(ValueKind.STANDARD)
    if is_unit(stripped):
        kinds.add(ValueKind.UNIT)
    if is_number(stripped.rstrip("分")):
        kinds.add(ValueKind.NUMBER)
    return frozenset(kinds)
