"""Aligning a row whose merged cells left no trace to the header's columns, by what each cell holds.

A small dynamic programme: cells (in order) go into columns (in order), each column may stay
empty, and a cell scores by how well its text fits the column's kind of value (a taxonomy name
in 一级/二级, an operator in 指标性质, a number in 分值 …). Part of the layout reader.
"""

from __future__ import annotations

import re
from typing import AbstractSet, Optional

from ..layout.values import (
    classify,
    is_unit,
)
from ..layout.taxonomy import LEVEL2_BY_LEVEL1
from ..layout.vocabulary import (
    ValueKind,
    is_row_label_header,
    normalise,
)

from .header import Column


# ---------------------------------------------------------------------------- aligning a row

_SKIP_COST = {ValueKind.LABEL: 0.0, ValueKind.LEVEL1: 0.0, ValueKind.LEVEL2: 0.0, ValueKind.TEXT: 0.5,
              ValueKind.OPERATOR: 0.3, ValueKind.VALUE: 1.5, ValueKind.UNIT: 0.3, ValueKind.NUMBER: 0.5,
              ValueKind.DIRECTION: 0.3, ValueKind.STANDARD: 0.3}
_LEVEL2_STEMS = tuple(sorted({name[:-2] for names in LEVEL2_BY_LEVEL1.values() for name in names}, key=len))
_LEVEL1_STEMS = tuple(name[:-2] for name in LEVEL2_BY_LEVEL1)  # 产出, 效益, 满意度, 成本
# a value opens with a sign, a digit, or a comparison in words before a digit ('大于90%')
_VALUE_LIKE = re.compile(r"^[\s()（）]*(?:[≥≤=<>＞＜≧≦]|\d|(?:大于|小于|高于|低于|不低于|不高于|不少于|不超过|不多于)\d)")
_CLOSES_VALUE = re.compile(r"^\s*(?:[%％]|及?以上|及?以下|以内)")
_OPENS_VALUE = re.compile(r"(?:大于|小于|高于|低于|不低于|不高于|不少于|不超过|不多于)\s*$")
_NUMBERING = re.compile(r"^\s*指标\s*\d+\s*(?:[:：.．、]\s*(?=\S)|(?=[\u4e00-\u9fff]))")  # 指标1: / 指标1. / 指标1工程…
_BARE_NUMBERING = re.compile(r"^\s*指标\s*\d+\s*[:：.．、]?\s*$")
_NUMERIC = re.compile(r"^[≥≤=<>＞＜]?\s*[-+]?\d[\d.,]*\s*%?$")
# an explanation's opening words ('反映…情况', '达到目标值'): a glued row is cut before them (text_grid's
# _EXPLAINED), so a piece opening so starts the 指标解释 cell and is never the middle of one
_EXPLANATION_OPENS = re.compile(r"^(?:反映|达到(?:预计|目标|预期)值)")


def _group_like(text: str) -> bool:
    """A short name built on a 一级/二级 stem and ending like a group name (产出值, 经济效益值, 数量指标)."""
    compact = normalise(text)
    return len(compact) <= 8 and bool(re.search(r"(值|指标|类)$", compact)) and \
        any(stem in compact for stem in (*_LEVEL1_STEMS, *_LEVEL2_STEMS))


def _over_100(text: str) -> bool:
    try:
        return float(text.strip().rstrip("分").replace(",", "").replace("，", "")) > 100
    except ValueError:
        return False


def _fit(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    """How well a cell's text fits a column (negative: it does not belong there)."""
    if column.choices:  # a column whose header lists its values takes those, and only those
        return 3.0 if normalise(text) in column.choices else -3.0
    if _NUMBERING.match(text) and not _BARE_NUMBERING.match(text):
        # '指标4.不合格产品处置率': the form numbers its indicators, so this is a 三级 name, whatever follows
        return 2.0 if column.spec is not None and column.spec.name == "level3" else -3.0
    by_kind = _FITS.get(column.kind)
    return by_kind(column, text, kinds) if by_kind is not None else _fit_free_text(column, text, kinds)


def _taxonomy(kinds: AbstractSet[ValueKind]) -> bool:
    return ValueKind.LEVEL1 in kinds or ValueKind.LEVEL2 in kinds


def _fit_label(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    return 0.5 if is_row_label_header(text) or "目标" in text else -5.0


def _fit_level1(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if ValueKind.LEVEL1 in kinds:
        return 3.0
    compact = normalise(text)
    if compact in _LEVEL1_STEMS:
        return 1.0  # a 一级 name in the filer's short form (产出, 效益): the taxonomy name without 指标
    # a 一级 name in the form's own words (产出值, 效益值): short, and opening with a group's stem;
    # any other short name (项目完成) is possible before a 二级, never preferred
    if len(compact) <= 6 and compact.startswith(_LEVEL1_STEMS):
        return 0.5
    return -1.5 if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", compact) and not _taxonomy(kinds) else -6.0


def _fit_level2(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if ValueKind.LEVEL2 in kinds:
        return 3.0
    compact = normalise(text)
    # a 二级 name of the form's own (预算(或投资规模)控制指标, 社会、经济、生态效益指标)
    if re.fullmatch(r"[\u4e00-\u9fff、]{2,12}指标", re.sub(r"\(.*?\)", "", compact)):
        return 0.5
    # a 二级 name in the filer's own words (产出数量, 经济效益): short, and holding a taxonomy stem
    # (or a stem's own tail: 满意度 for 服务对象满意度指标)
    return 1.0 if len(compact) <= 8 and any(stem in compact or (len(compact) >= 3 and stem.endswith(compact))
                                            for stem in _LEVEL2_STEMS) else -6.0


# 指标性质 holds the operator in one export and 正向/反向 in another (where 指标方向 holds the operator):
# either column takes either, and _split_targets puts each where it belongs
def _fit_operator(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    return 3.0 if ValueKind.OPERATOR in kinds else (2.0 if ValueKind.DIRECTION in kinds else -6.0)


def _fit_direction(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    return 3.0 if ValueKind.DIRECTION in kinds else (2.0 if ValueKind.OPERATOR in kinds else -6.0)


def _fit_standard(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if ValueKind.STANDARD not in kinds and text.strip().startswith("反映"):
        return 1.0  # a 绩效标准 column a form fills with the indicator's explanation ('反映…情况')
    return 3.0 if ValueKind.STANDARD in kinds else -4.0


def _fit_unit(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if ValueKind.UNIT in kinds:
        return 2.5
    if ValueKind.NUMBER in kinds:
        return -1.5  # a number under 计量单位 (a sheet's date serial shown twice): possible, never preferred
    if len(text) <= 4 and not re.search(r"\d", text) and not _taxonomy(kinds):
        # a unit in the filer's words (间数, 人次数): short, and opening with a unit of the vocabulary
        return 1.5 if any(is_unit(text[:k]) for k in range(1, len(text))) else 0.3
    return -5.0


def _fit_number(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if ValueKind.NUMBER not in kinds:
        return -6.0
    if column.spec is not None and column.spec.name in ("score", "points", "weight") and _over_100(text):
        return -1.5  # a score or a weight is out of 100: 44,561 is some other column's
    return 2.5


def _fit_value(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    if _taxonomy(kinds) or ValueKind.STANDARD in kinds:
        return -6.0
    if "**" in text:
        return 0.2  # a template hint left in the cell ("≥**个"), not the value
    if re.fullmatch(r"\s*(?:>=|<=|[≥≤=<>＞＜≧≦])\s*", text):
        return -1.0  # a sign alone is no value: the number it compares is in the next piece
    if _VALUE_LIKE.match(text.strip()):
        return 2.0
    return 1.0 if len(text) <= 12 else 0.2


def _fit_taxonomy_as_text(column: Column, kinds: AbstractSet[ValueKind]) -> float:
    if column.spec is not None and column.spec.name == "level3" and ValueKind.LEVEL1 not in kinds:
        return -1.5  # a 三级 worded like a 二级 (社会成本指标 under 成本指标): possible, never preferred
    return -4.0


def _fit_free_text(column: Column, text: str, kinds: AbstractSet[ValueKind]) -> float:
    """A free-text column (三级, 指标解释, 评分标准, 备注 …) or one no field is read from."""
    if _taxonomy(kinds):
        return _fit_taxonomy_as_text(column, kinds)
    level3 = column.spec is not None and column.spec.name == "level3"
    if _BARE_NUMBERING.match(text):  # '指标2' alone: a blank template row's label, the start of a row
        return 0.0 if level3 else -3.0
    if _group_like(text):  # 效益值, 生态效益值: a 一级/二级 in the form's words, not a note
        return -1.0 if level3 else -3.0
    misfit = _not_free_text(text, kinds)
    if misfit is not None:
        return misfit
    if column.spec is None:
        return -0.5
    if column.spec.name == "remark":
        return 0.8  # see _skip_cost
    return 1.5 if level3 else 1.0


def _not_free_text(text: str, kinds: AbstractSet[ValueKind]) -> Optional[float]:
    """What a value-like piece costs in a free-text column, or None for a piece of text."""
    if _CLOSES_VALUE.match(text) or _OPENS_VALUE.search(text):
        return -1.5  # '%以上…' ends the value before it and '…大于' opens the one after it: no cell starts or ends so
    if _VALUE_LIKE.match(text) and len(text) <= 12:
        return -1.0  # ">=4个", "≥80M": a value, not a sentence
    if ValueKind.OPERATOR in kinds or ValueKind.STANDARD in kinds:
        return -3.0
    if ValueKind.UNIT in kinds and len(text.strip()) <= 2 and not re.search(r"\d", text):
        return -1.5  # a unit alone ('起') closes the value before it: no note or name is only a unit
    if _NUMERIC.match(text.strip()):
        return -1.0
    return None


_FITS = {
    ValueKind.LABEL: _fit_label, ValueKind.LEVEL1: _fit_level1, ValueKind.LEVEL2: _fit_level2,
    ValueKind.OPERATOR: _fit_operator, ValueKind.DIRECTION: _fit_direction, ValueKind.STANDARD: _fit_standard,
    ValueKind.UNIT: _fit_unit, ValueKind.NUMBER: _fit_number, ValueKind.VALUE: _fit_value,
}


def _year_in_text(parts: list[str], k: int) -> bool:
    """'…金额/' '2023' '年伙食补助预算': a year inside a sentence a glued row was cut at, no value."""
    if re.fullmatch(r"\d{4}年\d{1,2}月", parts[k]) and k and k + 1 < len(parts):
        # '截至' '2026年12月' '底,项目开展率(%)': a month the sentence goes on from ('12月底'), no value
        return bool(re.match(r"[底末]", parts[k + 1]))
    return bool(re.fullmatch(r"\d{4}", parts[k])) and k + 1 < len(parts) and parts[k + 1].startswith("年") \
        and not re.match(r"年\d", parts[k + 1])


def _align(columns: list[Column], texts: list[str], tokenised: bool, sep: str = " ",
           must_fill: Optional[int] = None) -> tuple[float, dict[int, list[int]]]:
    """See :func:`_align_scored`; the total fit, or -inf when some cell fits nowhere."""
    total, placed, worst = _align_scored(columns, texts, tokenised, sep, must_fill)
    return (total if worst > -2.0 else float("-inf")), placed


def _inner_value_cost(column: Column, sep: str) -> float:
    """What a value inside a multi-piece free-text cell costs. In a glued row a note after the values
    (未完成原因, 备注) that holds a name and a value is the next row run on ('…保障率100%无…'), so there
    it costs more; a 三级 name may hold figures of its own ('5000吨稻谷、500吨成品粮储备到位率')."""
    if not sep and column.spec is not None and column.spec.name in ("deviation", "remark"):
        return 3.0
    return 1.5


def _pieces_cost(column: Column, part: list[str], sep: str) -> float:
    """What joining several pieces into one cell of ``column`` costs, beyond their fit."""
    if column.kind is not ValueKind.VALUE or sep:
        return _inner_value_cost(column, sep) * sum(
            1 for k, text in enumerate(part[1:], start=1) if _VALUE_LIKE.match(text) and not _year_in_text(part, k))
    # a glued value takes its unit ('≥266' '米', '1130' '元/月/人'), not the sentence after it, nor a second
    # value ('≥266' '米' '≥266' '米': a target and the actual value after it)
    sentences = sum(1 for text in part[1:] if len(text) > 4 and not _VALUE_LIKE.match(text) and not is_unit(text))
    values = sum(1 for k, text in enumerate(part) if k and _VALUE_LIKE.match(text)
                 and any(re.search(r"\d", before) for before in part[:k]))
    return 3.0 * (sentences + values)


def _skip_cost(column: Column) -> float:
    if column.spec is not None and column.spec.name == "remark":
        return 0.0  # 备注 is the column a filer most often leaves blank: text goes to the columns before it
    if column.spec is not None and column.spec.name == "level3":
        return 1.0  # every indicator row names its 三级: a row that leaves it empty must earn it
    if column.spec is not None and column.spec.name == "actual":
        return 1.0  # a goal table with room for the result leaves 实际完成值 blank: a lone value is the target
    return _SKIP_COST[column.kind]


def _align_scored(columns: list[Column], texts: list[str], tokenised: bool,
                  sep: str = " ", must_fill: Optional[int] = None) -> tuple[float, dict[int, list[int]], float]:
    """Place a row's cells (in order) into the header's columns (in order), best total fit.

    Columns may stay empty (a merged cell, a blank), except ``must_fill``; every cell goes somewhere.
    In a tokenised dump a free-text column may take several tokens."""
    n, m = len(texts), len(columns)
    kinds = [classify(t) for t in texts]
    NEG = float("-inf")
    dp = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: list[list[Optional[tuple[int, int, bool]]]] = [[None] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for j in range(m):
        column = columns[j]
        multi = tokenised and column.kind in (ValueKind.TEXT, ValueKind.VALUE)
        for i in range(n + 1):
            if dp[i][j] == NEG:
                continue
            skip = dp[i][j] - _skip_cost(column) if j != must_fill else NEG
            if skip > dp[i][j + 1]:
                dp[i][j + 1], back[i][j + 1] = skip, (i, j, False)
            for k in range(i + 1, (n if multi else min(n, i + 1)) + 1):
                part = texts[i:k]
                joined = sep.join(part)
                score = _fit(column, joined, kinds[i] if k == i + 1 else classify(joined))
                if k > i + 1:
                    score -= 0.1 * (k - i - 1)
                    if column.spec is not None and column.spec.name == "explanation" and any(
                            _EXPLANATION_OPENS.match(t) for t in part[1:]):
                        score -= 1.5  # the text before '反映…' is the 三级 name's, not the explanation's
                    score -= _pieces_cost(column, part, sep)
                total = dp[i][j] + score
                if total > dp[k][j + 1]:
                    dp[k][j + 1], back[k][j + 1] = total, (i, j, True)
    placed: dict[int, list[int]] = {}
    i, j = n, m
    if dp[n][m] == NEG:
        return NEG, {}, NEG
    while j > 0:
        step = back[i][j]
        assert step is not None
        pi, pj, took = step
        if took:
            placed[pj] = list(range(pi, i))
        i, j = pi, pj
    worst = min((_fit(columns[k], sep.join(texts[t] for t in idx), classify(sep.join(texts[t] for t in idx)))
                 for k, idx in placed.items()), default=0.0)
    return dp[n][m], placed, worst
