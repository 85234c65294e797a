"""The layout vocabulary: the only place that knows what a column is called.

Each canonical field has its header names and variants, the column group
(fragment) it belongs to in the seed's split layout, its Chinese label for
clerks, whether it is free text that repair may restore, and what kind of
value it holds (which the layout reader uses to align a row whose merged cells
were dropped). A new layout family is new names here, not new code.

Header matching (:func:`match_header`) picks the single best field for a
header cell: exact names first, then a clipped cell (``指标值类``) belongs to
the *longest* name it is a prefix of (指标值类型, not 指标值).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional


class ValueKind(str, Enum):
    """What a column holds, as far as aligning a row's cells is concerned."""

    LEVEL1 = "level1"          # a 一级指标 taxonomy name
    LEVEL2 = "level2"          # a 二级指标 taxonomy name
    TEXT = "text"              # free text (三级指标, explanations, rules)
    OPERATOR = "operator"      # ≥ ≤ = > < 定性 定量
    VALUE = "value"            # a target or achieved value: number, percent, short text
    UNIT = "unit"              # a unit of measure
    NUMBER = "number"          # a score, weight or points
    DIRECTION = "direction"    # 正向 / 反向
    STANDARD = "standard"      # 计划标准 / 历史标准 / 行业标准
    LABEL = "label"            # a row label spanning the table (年度绩效目标, 绩效指标)


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field of an indicator table."""

    name: str
    label: str                      # Chinese label for clerks (XLSX headers, the review app)
    headers: tuple[str, ...]        # header names and variants, most usual first
    kind: ValueKind
    fragment: str = "indicators"    # column group in the seed's split layout
    free_text: bool = False         # repair may restore it from witnesses
    record: bool = True             # becomes a record field (False: used only to read the row)
    combined: bool = False          # the cell also holds operator and unit (指标值及单位)
    aliases_of: Optional[str] = field(default=None)  # read into this field instead (权重 → score)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("level1", "一级指标", ("一级指标",), ValueKind.LEVEL1),
    FieldSpec("level2", "二级指标", ("二级指标",), ValueKind.LEVEL2),
    FieldSpec("level3", "三级指标", ("三级指标", "指标名称", "具体指标", "三级指标名称", "绩效指标名称"),
              ValueKind.TEXT, free_text=True),
    FieldSpec("operator", "指标值类型", ("指标值类型", "指标性质", "计算符号", "运算符号", "符号", "指标类型"),
              ValueKind.OPERATOR),
    FieldSpec("target", "指标值", ("指标值", "目标值", "年度指标值", "年度目标值", "预期目标", "预期目标值",
                                   "全年指标值", "绩效指标值", "指标目标值", "年度预期目标", "预期指标值",
                                   "年度绩效指标值", "计划完成值", "年度计划值"),
              ValueKind.VALUE, combined=True),
    FieldSpec("target", "指标值及单位", ("指标值及单位", "指标值(包含数字及文字描述)", "目标值及单位"),
              ValueKind.VALUE, combined=True),
    FieldSpec("unit", "计量单位", ("计量单位", "度量单位", "单位"), ValueKind.UNIT),
    FieldSpec("explanation", "指标解释", ("指标解释", "指标说明", "指标值设定依据", "指标值说明", "指标内容",
                                          "指标值内容", "指标解释说明"),
              ValueKind.TEXT, fragment="explanations", free_text=True),
    FieldSpec("scoring_rule", "评(扣)分标准", ("评(扣)分标准", "评/扣分标准", "评扣分标准", "评分标准", "扣分标准",
                                               "评分规则", "评分办法", "计分方法"),
              ValueKind.TEXT, fragment="scoring", free_text=True),
    FieldSpec("score", "分值", ("分值", "指标分值", "标准分值", "分数"), ValueKind.NUMBER, fragment="scoring"),
    FieldSpec("score", "权重", ("权重(%)", "权重", "指标权重"), ValueKind.NUMBER, fragment="scoring"),
    FieldSpec("remark", "备注", ("备注",), ValueKind.TEXT, fragment="scoring", free_text=True),
    FieldSpec("direction", "指标方向性", ("指标方向性", "指标方向"), ValueKind.DIRECTION),
    FieldSpec("project", "项目名称", ("项目名称", "项目支出名称", "二级项目名称", "子项目名称"), ValueKind.TEXT),
    FieldSpec("standard", "绩效标准", ("绩效标准", "指标值确定依据", "标准类型"), ValueKind.STANDARD, record=False),
    FieldSpec("actual", "实际完成值", ("实际完成值", "全年实际完成值", "实际完成情况", "完成值", "实际值",
                                       "全年完成值", "实际完成指标值"), ValueKind.VALUE),
    FieldSpec("points", "得分", ("得分", "自评得分", "评价得分"), ValueKind.NUMBER),
    FieldSpec("deviation", "偏差原因", ("偏差原因分析及改进措施", "偏差原因分析及改进", "偏差原因及改进措施",
                                        "偏差原因", "未完成原因分析"), ValueKind.TEXT, free_text=True),
)
"""Every field a performance-goal table may have, with every header name seen in real filings."""

ROW_LABEL_HEADERS: tuple[str, ...] = (
    "年度绩效目标", "年度绩效指标", "本年度绩效指标", "绩效指标", "项目绩效指标", "绩效目标", "年度指标",
    "指标", "中期绩效指标", "实施期绩效指标",
)
"""A merged cell left of 一级指标 that labels the whole block; it is no field."""

RECORD_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f.name for f in FIELDS if f.record))
FREE_TEXT_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.free_text)
LABELS: dict[str, str] = {}
for _spec in FIELDS:
    LABELS.setdefault(_spec.name, _spec.label)

REQUIRED_ONE_OF: tuple[tuple[str, ...], ...] = (("level3",), ("target", "actual"))
"""A header row is understood only with a 三级指标 column and a value column."""


# ---------------------------------------------------------------------------- normalising

_PINYIN = re.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
_WIDTH = str.maketrans({"（": "(", "）": ")", "／": "/", "％": "%", "：": ":", "＝": "=", "＞": ">", "＜": "<",
                        "　": " ", "﹦": "=", "═": "="})


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; degrade to no conversion
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The form header names and taxonomy names are compared in.

    Traditional characters become simplified (OpenCC), pinyin that some mirror
    sites insert (``指標(biāo)``) is dropped, full-width brackets and slashes become
    half-width, and spaces, pipes and line breaks go. Values are never rewritten
    this way: this is only for recognising names.
    """
    converter = _t2s()
    text = converter.convert(text) if converter is not None else text
    text = _PINYIN.sub("", text.translate(_WIDTH))
    return re.sub(r"[\s|]+", "", text).lstrip("*＊")  # "*指标值": the form's required-field mark


# ---------------------------------------------------------------------------- header matching

@dataclass(frozen=True)
class HeaderMatch:
    spec: FieldSpec
    name: str          # the header name it matched
    exact: bool


def _header_names() -> list[tuple[str, FieldSpec]]:
    names = [(normalise(h), spec) for spec in FIELDS for h in spec.headers]
    return sorted(names, key=lambda pair: -len(pair[0]))


_NAMES = _header_names()
_TRAILER = re.compile(r"^(?:\(.{0,6}\)|[:：*]|\d+分|\(\d+分\))*$")


def match_header(text: str) -> Optional[HeaderMatch]:
    """The field a header cell names, or None.

    Exact names win; then a name followed by a short parenthetical (``权重(%)``,
    ``分值(分)``); then a clipped cell, which belongs to the longest name it is a
    prefix of, so ``指标值类`` is 指标值类型 and never 指标值.
    """
    cell = normalise(text)
    if not cell or cell in ROW_LABEL_HEADERS:
        return None  # 绩效指标 labels the block; it is no clipped 绩效指标名称
    for name, spec in _NAMES:
        if cell == name:
            return HeaderMatch(spec, name, True)
    for name, spec in _NAMES:  # longest first
        if cell.startswith(name) and _TRAILER.match(cell[len(name):]):
            return HeaderMatch(spec, name, True)
    if len(cell) >= 3:
        clipped = [(name, spec) for name, spec in _NAMES if name.startswith(cell)]
        if clipped:
            name, spec = clipped[0]  # the longest name the cell is a prefix of
            return HeaderMatch(spec, name, False)
    return None


def is_row_label_header(text: str) -> bool:
    cell = re.sub(r"\(.*?\)|\d+分", "", normalise(text))
    return cell in ROW_LABEL_HEADERS


def header_fields(cells: Iterable[str]) -> list[tuple[Optional[HeaderMatch], Optional[HeaderMatch]]]:
    """Match a header row's cells, each field at most once: a second column that names a field
    already taken (a 中期 group beside the 年度 one) is no field, but keeps what it would have
    been as its shadow, so that a row's cells still align by kind. Returns (match, shadow) pairs."""
    taken: set[str] = set()
    out: list[tuple[Optional[HeaderMatch], Optional[HeaderMatch]]] = []
    for text in cells:
        match = match_header(text)
        if match is not None and match.spec.name in taken:
            out.append((None, match))
            continue
        if match is not None:
            taken.add(match.spec.name)
        out.append((match, None))
    return out


def spec_named(name: str) -> FieldSpec:
    return next(spec for spec in FIELDS if spec.name == name)
